/// The dashboard's stylesheet: light and dark (follows the system), readable on a phone.
enum DashboardStyle {
    static let css = #"""
        :root { --bg: #f6f8fa; --card: #ffffff; --fg: #1f2328; --muted: #656d76; --line: #d0d7de; --accent: #0969da; }
        @media (prefers-color-scheme: dark) { :root { --bg: #0d1117; --card: #161b22; --fg: #e6edf3; --muted: #8d96a0; --line: #30363d; --accent: #4493f8; } }
        * { box-sizing: border-box; }
        body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; background: var(--bg); color: var(--fg); }
        header { display: flex; flex-wrap: wrap; align-items: center; gap: 16px; padding: 12px 20px; border-bottom: 1px solid var(--line); background: var(--card); position: sticky; top: 0; z-index: 2; }
        header h1 { font-size: 18px; margin: 0; }
        nav a { color: var(--muted); text-decoration: none; margin-right: 14px; padding-bottom: 4px; }
        nav a.active { color: var(--fg); border-bottom: 2px solid var(--accent); }
        main { padding: 16px 20px; max-width: 1400px; margin: 0 auto; }
        .toolbar { display: flex; flex-wrap: wrap; gap: 10px; align-items: center; margin-bottom: 14px; }
        .toolbar input[type=search] { flex: 1 1 260px; padding: 8px 10px; border: 1px solid var(--line); border-radius: 6px; background: var(--card); color: var(--fg); }
        select, button, textarea { font: inherit; padding: 6px 10px; border: 1px solid var(--line); border-radius: 6px; background: var(--card); color: var(--fg); }
        button { cursor: pointer; }
        .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(250px, 1fr)); gap: 12px; }
        .card { background: var(--card); border: 1px solid var(--line); border-left: 5px solid var(--provider); border-radius: 8px; padding: 12px; cursor: pointer; }
        .card:hover { border-color: var(--accent); }
        .card.unusable { opacity: .55; }
        .card h3 { margin: 0 0 4px; font-size: 15px; word-break: break-all; }
        .card .provider { color: var(--provider); font-weight: 600; font-size: 12px; }
        .card .meta { color: var(--muted); font-size: 12px; margin: 6px 0; }
        .badge { display: inline-block; font-size: 11px; padding: 1px 7px; border-radius: 10px; border: 1px solid var(--line); margin: 2px 4px 0 0; }
        .badge.off { color: var(--muted); }
        .detail { margin-top: 16px; background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px; }
        pre { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px; overflow: auto; font-size: 12px; }
        table { width: 100%; border-collapse: collapse; background: var(--card); border: 1px solid var(--line); border-radius: 8px; }
        th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--line); font-size: 13px; }
        .state-ready { color: #1a7f37; } .state-failed { color: #cf222e; } .state-restarting, .state-starting, .state-backing-off { color: #9a6700; }
        .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 12px; margin-bottom: 12px; }
        .stat { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px; }
        .stat span { display: block; color: var(--muted); font-size: 12px; } .stat strong { font-size: 20px; }
        svg { width: 100%; max-height: 260px; background: var(--card); border: 1px solid var(--line); border-radius: 8px; }
        svg text { fill: var(--muted); font-size: 10px; } svg rect { fill: var(--accent); }
        .log { display: flex; flex-direction: column; gap: 8px; margin-bottom: 10px; }
        .msg { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 8px 12px; white-space: pre-wrap; }
        .msg.user { border-left: 4px solid var(--accent); }
        textarea { width: 100%; }
        .muted { color: var(--muted); }
        input { font: inherit; padding: 6px 10px; border: 1px solid var(--line); border-radius: 6px; background: var(--card); color: var(--fg); }
        .signin { position: fixed; inset: 0; background: var(--bg); display: flex; align-items: center; justify-content: center; z-index: 5; }
        .signin form { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 20px; width: min(420px, 92vw); display: grid; gap: 10px; }
        .error { color: #cf222e; min-height: 1em; }
        #signout { margin-left: auto; }
        code { font-size: 12px; word-break: break-all; }
        #toast { position: fixed; bottom: 16px; right: 16px; background: var(--fg); color: var(--bg); padding: 8px 12px; border-radius: 6px; }
        @media (max-width: 600px) { main { padding: 10px; } th:nth-child(n+6), td:nth-child(n+6) { display: none; } }
        """#
}
