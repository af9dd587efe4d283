import Foundation
import ReproNN

/// The text of `repro generate --list-models`: the zoo models and the constructors a spec may
/// use.
public enum ModelList {
  /// The listing, lines joined by newlines.
  public static var text: String {
    var lines = ["Zoo models (--model NAME):"]
    for name in ModelZoo.names where ModelZoo.spec(named: name) != nil {
      lines.append(
        "  \(name.padding(toLength: 10, withPad: " ", startingAt: 0))\(ModelZoo.spec(named: name) ?? "")"
      )
    }
    lines.append(
      "  resnet18  torchvision's resnet18(num_classes=1000); resnet18(num_classes=10) for 10 classes"
    )
    lines.append("")
    lines.append("Constructors for specs (PyTorch's arguments and defaults):")
    lines.append(
      "  "
        + ModelFactory.constructorNames.joined(separator: ", "))
    lines.append("")
    lines.append(
      "Example: --model 'Sequential(Conv2d(3, 4, 3), BatchNorm2d(4), ReLU(), Flatten(), Linear(144, 2))'"
    )
    return lines.joined(separator: "\n")
  }
}
