extension HTMLReport {
  /// The page's CSS (inline; no web fonts, no external resources).
  static let stylesheet = """
    :root{--pass:#2e7d32;--fail:#c62828;--error:#ef6c00;--skip:#757575;--bg:#fafafa;--line:#ddd}
    *{box-sizing:border-box}body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 24px 48px;background:var(--bg);color:#212121}
    h1{margin:16px 0 0;font-size:24px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid var(--line)}
    .subtitle{color:#616161;margin:2px 0 12px}
    .tiles{display:flex;gap:12px;flex-wrap:wrap;margin:0 0 12px}.tile{background:#fff;border:1px solid var(--line);border-left:6px solid #90a4ae;border-radius:6px;padding:8px 14px;min-width:110px}
    .tile .n{display:block;font-size:26px;font-weight:600}.tile.pass{border-left-color:var(--pass)}.tile.fail{border-left-color:var(--fail)}.tile.error{border-left-color:var(--error)}.tile.skip{border-left-color:var(--skip)}.tile.new-failure{border-left-color:var(--fail)}.tile.fixed{border-left-color:var(--pass)}.tile.new{border-left-color:#1565c0}.tile.gone{border-left-color:#616161}
    table{border-collapse:collapse;background:#fff}th,td{border:1px solid var(--line);padding:3px 8px;text-align:left;vertical-align:top}
    table.matrix{display:inline-table;margin:0 16px 16px 0}table.matrix caption{text-align:left;font-weight:600;padding:4px 0}
    td.cell{text-align:center;font-weight:600;color:#fff;cursor:pointer;min-width:64px}td.cell.pass{background:var(--pass)}td.cell.fail{background:var(--fail)}td.cell.error{background:var(--error)}td.cell.skip{background:var(--skip)}td.cell.none{color:#9e9e9e;background:#f5f5f5;cursor:default}
    figure{display:inline-block;margin:0 24px 16px 0;vertical-align:top}figcaption{font-weight:600;margin-bottom:4px}
    svg.plot{background:#fff;border:1px solid var(--line)}svg .bar rect{fill:#1565c0}svg .bar.exact rect{fill:var(--pass)}svg .bar.bad rect{fill:var(--fail)}
    svg text{font-size:11px;fill:#424242}svg text.mono{font-family:ui-monospace,"DejaVu Sans Mono","Liberation Mono",monospace}svg text.count{font-size:10px}svg .count{text-anchor:start}svg g text.count{text-anchor:middle}svg .end{text-anchor:end}svg line.axis{stroke:#9e9e9e}
    #tensor-errors g text.count{text-anchor:start}
    .filter input{width:420px;padding:4px 8px;font-size:14px}
    .scroll{max-width:100%;overflow-x:auto}#case-table{width:100%}td.id{font-family:ui-monospace,monospace;font-size:12px;min-width:12em}td.num{text-align:right}td.msg{min-width:16em;max-width:480px;overflow-wrap:anywhere}
    .mark{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600;color:#fff;background:#616161;white-space:nowrap}.mark.new-failure{background:var(--fail)}.mark.fixed{background:var(--pass)}.mark.unchanged{color:#424242;background:#e0e0e0}.mark.new{background:#1565c0}
    code{font-family:ui-monospace,monospace}
    tbody.case.fail>tr:first-child{background:#ffebee}tbody.case.error>tr:first-child{background:#fff3e0}tbody.case.skip>tr:first-child{color:#757575}
    tr.more>td{border-top:none;padding:0 8px}details summary{cursor:pointer;color:#1565c0}
    .badge{display:inline-block;border-radius:10px;padding:0 8px;color:#fff;font-size:12px;font-weight:600}.badge.pass{background:var(--pass)}.badge.fail{background:var(--fail)}.badge.error{background:var(--error)}.badge.skip{background:var(--skip)}
    table.tensors{margin:6px 0;font-size:12px}table.tensors tr.fail{background:#ffebee}
    pre.failure{white-space:pre-wrap;background:#fff;border:1px solid var(--line);padding:8px;font-size:12px;max-height:420px;overflow:auto}
    table.env th{background:#f5f5f5}
    """

  /// The filter box's script (inline; reads only `data-*` attributes of the page).
  static let script = """
    (function(){
    var box=document.getElementById('filter');
    var cases=Array.prototype.slice.call(document.querySelectorAll('tbody.case'));
    var shown=document.getElementById('shown');
    function matches(c,terms){
      var tokens=c.getAttribute('data-tokens').split(' ');
      var hay=c.getAttribute('data-search');
      return terms.every(function(t){
        var i=t.indexOf('=');
        if(i>0){var k=t.slice(0,i);return t.slice(i+1).split(',').some(function(v){return tokens.indexOf(k+'='+v)>=0;});}
        return hay.indexOf(t)>=0;
      });
    }
    function apply(){
      var terms=box.value.toLowerCase().split(/\\s+/).filter(function(t){return t.length>0;});
      var n=0;
      cases.forEach(function(c){var ok=matches(c,terms);c.hidden=!ok;if(ok)n++;});
      shown.textContent=String(n);
    }
    box.addEventListener('input',apply);
    Array.prototype.forEach.call(document.querySelectorAll('td.cell[data-filter]'),function(td){
      td.addEventListener('click',function(){box.value=td.getAttribute('data-filter');apply();box.scrollIntoView();});
    });
    var m=/^#filter=(.*)$/.exec(location.hash);
    if(m){box.value=decodeURIComponent(m[1]);}
    apply();
    })();
    """
}
