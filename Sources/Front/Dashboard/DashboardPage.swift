/// The dashboard's HTML shell. Self-contained: no CDN, no build step; the script reads only the JSON
/// APIs (`/api/models`, `/api/providers`, `/api/usage`, `/admin/v1/…`) and the Continue config, signed
/// in with the admin key when client keys are on.
enum DashboardPage {
    static let html = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Orchestra</title>
        <link rel="stylesheet" href="/dashboard/dashboard.css">
        <link rel="icon" href="data:,">
        </head>
        <body>
        <header>
          <h1>Orchestra</h1>
          <nav>
            <a href="#models" data-tab="models" class="active">Models</a>
            <a href="#providers" data-tab="providers">Providers</a>
            <a href="#spend" data-tab="spend">Spend</a>
            <a href="#continue" data-tab="continue">Continue</a>
            <a href="#playground" data-tab="playground">Playground</a>
            <a href="#keys" data-tab="keys">Keys &amp; teams</a>
          </nav>
          <button id="signout" hidden>Sign out</button>
        </header>
        <div id="signin" class="signin" hidden>
          <form id="signin-form">
            <h2>Sign in</h2>
            <p class="muted">Client keys are on: sign in with the gateway's admin key. It is kept in this browser tab only.</p>
            <input id="signin-key" type="password" autocomplete="off" placeholder="admin key" required>
            <button type="submit">Sign in</button>
            <p id="signin-error" class="error"></p>
          </form>
        </div>
        <main>
          <section id="models" class="tab">
            <div class="toolbar">
              <input id="search" type="search" placeholder="Search models, e.g. codestral" autocomplete="off">
              <label><input type="checkbox" data-capability="tools"> tool use</label>
              <label><input type="checkbox" data-capability="vision"> vision</label>
              <label><input type="checkbox" data-capability="reasoning"> reasoning</label>
              <label><input type="checkbox" data-capability="fim"> FIM</label>
              <label><input type="checkbox" id="usable-only"> usable now</label>
              <select id="provider-filter"><option value="">all providers</option></select>
              <select id="sort">
                <option value="provider">sort: provider</option>
                <option value="price">sort: price</option>
                <option value="context">sort: context</option>
                <option value="latency">sort: measured latency</option>
              </select>
            </div>
            <div id="grid" class="grid"></div>
            <div id="detail" class="detail" hidden></div>
          </section>
          <section id="providers" class="tab" hidden>
            <table id="provider-table"><thead><tr>
              <th>Provider</th><th>State</th><th>Restarts</th><th>Key</th><th>Req/min</th><th>p50</th><th>p95</th><th>TTFT p50</th><th>Budget</th><th>Last error</th>
            </tr></thead><tbody></tbody></table>
          </section>
          <section id="spend" class="tab" hidden>
            <div class="cards">
              <div class="stat"><span>Spent (7 days)</span><strong id="spent">-</strong></div>
              <div class="stat"><span>Reference</span><strong id="reference">-</strong></div>
              <div class="stat"><span>Saved</span><strong id="saved">-</strong></div>
              <div class="stat"><span>Tokens</span><strong id="tokens">-</strong></div>
            </div>
            <h2 id="chart-title">Cost per day</h2>
            <svg id="chart" viewBox="0 0 700 200" role="img" aria-label="spend per day"></svg>
            <h2>By provider and model</h2>
            <table id="spend-table"><thead><tr><th>Model</th><th>Requests</th><th>Prompt</th><th>Completion</th><th>Cost $</th><th>Saved $</th></tr></thead><tbody></tbody></table>
            <h2>Top clients</h2>
            <table id="client-table"><thead><tr><th>Client</th><th>Requests</th><th>Cost $</th></tr></thead><tbody></tbody></table>
          </section>
          <section id="continue" class="tab" hidden>
            <p>Continue.dev configuration for the models usable now. <button id="copy-continue">Copy</button>
              <a href="/continue/config.yaml" download="config.yaml">Download config.yaml</a></p>
            <pre id="continue-config">loading…</pre>
          </section>
          <section id="playground" class="tab" hidden>
            <div class="toolbar">
              <select id="play-model"></select>
              <input id="play-key" type="password" autocomplete="off" placeholder="client key (default: the admin key)">
              <button id="play-send">Send</button>
              <button id="play-clear">New session</button>
            </div>
            <div id="play-log" class="log"></div>
            <textarea id="play-prompt" rows="3" placeholder="Type a prompt"></textarea>
            <p id="play-stats" class="muted"></p>
          </section>
          <section id="keys" class="tab" hidden>
            <p id="keys-off" class="muted" hidden>Client keys are off on this gateway: anyone on this machine may call it.
              Turn them on with <code>[auth] enabled = true</code> and an <code>admin_key_file</code>.</p>
            <div id="keys-on">
              <h2>Teams</h2>
              <table id="team-table"><thead><tr><th>Team</th><th>Keys</th><th>Budget</th><th>Spent</th><th>Limits</th></tr></thead><tbody></tbody></table>
              <form id="team-form" class="toolbar">
                <input id="team-name" placeholder="team name" required>
                <input id="team-budget" type="number" min="0" step="0.01" placeholder="budget $">
                <select id="team-period"><option>month</option><option>week</option><option>day</option><option>total</option></select>
                <button type="submit">Create team</button>
              </form>
              <h2>Keys</h2>
              <table id="key-table"><thead><tr><th>Name</th><th>Prefix</th><th>Team</th><th>State</th><th>Budget</th><th>Spent</th><th>Limits</th><th>Last use</th><th></th></tr></thead><tbody></tbody></table>
              <form id="key-form" class="toolbar">
                <input id="key-name" placeholder="key name" required>
                <select id="key-team"><option value="">no team</option></select>
                <input id="key-budget" type="number" min="0" step="0.01" placeholder="budget $">
                <select id="key-period"><option>month</option><option>week</option><option>day</option><option>total</option></select>
                <input id="key-rpm" type="number" min="1" placeholder="rpm">
                <input id="key-models" placeholder="models, e.g. mistral/*, code">
                <button type="submit">Create key</button>
              </form>
              <div id="new-key" class="detail" hidden>
                <p>The new key, shown this once (only its digest is kept):</p>
                <code id="new-key-value"></code> <button id="copy-key">Copy</button>
              </div>
              <p id="keys-error" class="error"></p>
            </div>
          </section>
        </main>
        <div id="toast" hidden></div>
        <script src="/dashboard/dashboard.js"></script>
        </body>
        </html>
        """#
}
