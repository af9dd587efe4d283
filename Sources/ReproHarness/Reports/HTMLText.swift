/// Escaping for text placed in HTML.
///
/// One function serves element text and double-quoted attribute values: it replaces the five
/// characters that can end or change markup there (`&`, `<`, `>`, `"`, `'`) by character
/// references, and characters HTML forbids (C0 controls but tab, LF, CR, FF; noncharacters
/// U+FFFE/U+FFFF) by U+FFFD. The report never places untrusted text inside `<script>` or
/// `<style>`, where these rules would not hold; data reaches its script through attributes.
public enum HTMLText {
  /// `text` made safe for an HTML text node or a double-quoted attribute value.
  public static func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for u in text.unicodeScalars {
      switch u {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      case "\t", "\n", "\r", "\u{0C}": out.unicodeScalars.append(u)
      default:
        if u.value < 0x20 || u.value == 0x7F || u.value == 0xFFFE || u.value == 0xFFFF {
          out += "\u{FFFD}"
        } else {
          out.unicodeScalars.append(u)
        }
      }
    }
    return out
  }
}
