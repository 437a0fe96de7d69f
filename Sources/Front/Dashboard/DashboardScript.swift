/// The dashboard's script: plain JavaScript over the gateway's JSON APIs, refreshed live.
enum DashboardScript {
    static let js = #"""
        "use strict";
        const state = { models: [], providers: [], latency: {}, keyNames: {}, teamNames: {}, session: JSON.parse(localStorage.getItem("orchestra.session") || "[]") };
        const $ = (selector) => document.querySelector(selector);
        const escape = (text) => String(text ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));

        function tokens(count) {
          if (count == null) return "?";
          if (count >= 1000000) return (count / 1048576).toFixed(count % 1048576 ? 1 : 0).replace(/\.0$/, "") + "M";
          return Math.round(count / 1000) + "K";
        }
        function price(value) { return value == null ? "unknown" : "$" + value.toFixed(2); }
        function toast(text) { const t = $("#toast"); t.textContent = text; t.hidden = false; setTimeout(() => (t.hidden = true), 1500); }
        async function copy(text) { try { await navigator.clipboard.writeText(text); toast("Copied"); } catch { toast("Select and copy"); } }

        // The admin key lives in this tab's session storage only; every call carries it.
        const adminKey = () => sessionStorage.getItem("orchestra.admin");
        const authorized = (headers = {}) => (adminKey() ? { ...headers, Authorization: "Bearer " + adminKey() } : headers);
        class SignInNeeded extends Error {}
        async function call(url, options = {}) {
          const used = adminKey();
          const response = await fetch(url, { ...options, headers: authorized(options.headers) });
          if (response.status === 401 || response.status === 403) {
            // A refusal of a key already replaced (a late answer to the previous sign-in) signs nobody out.
            if (used === adminKey()) signIn(used ? "That is not the admin key." : "");
            throw new SignInNeeded(url);
          }
          return response;
        }
        async function json(url) { const response = await call(url); if (!response.ok) throw new Error(url + ": " + response.status); return response.json(); }
        function signIn(message) {
          sessionStorage.removeItem("orchestra.admin");
          // Several calls may be refused at once: the first one's word stays.
          if ($("#signin").hidden || message) $("#signin-error").textContent = message;
          $("#signin").hidden = false;
          $("#signout").hidden = true;
        }
        $("#signin-form").addEventListener("submit", (event) => {
          event.preventDefault();
          sessionStorage.setItem("orchestra.admin", $("#signin-key").value.trim());
          $("#signin-key").value = "";
          $("#signin").hidden = true;
          $("#signout").hidden = false;
          refresh();
        });
        $("#signout").addEventListener("click", () => signIn(""));
        $("#signout").hidden = !adminKey();

        // Tabs
        for (const link of document.querySelectorAll("nav a")) {
          link.addEventListener("click", (event) => { event.preventDefault(); show(link.dataset.tab); });
        }
        function show(tab) {
          for (const section of document.querySelectorAll(".tab")) section.hidden = section.id !== tab;
          for (const link of document.querySelectorAll("nav a")) link.classList.toggle("active", link.dataset.tab === tab);
          history.replaceState(null, "", "#" + tab);
          if (tab === "spend") loadSpend();
          if (tab === "continue") loadContinue();
          if (tab === "keys") loadKeys();
        }

        // Models
        function badges(model) {
          const c = model.capabilities;
          const list = [["tools", "tool use"], ["vision", "vision"], ["reasoning", "reasoning"], ["fim", "FIM"], ["embedding", "embeddings"]]
            .filter(([key]) => c[key]).map(([, label]) => `<span class="badge">${label}</span>`);
          if (["cerebras", "groq"].includes(model.provider)) list.push('<span class="badge">ultra fast</span>');
          if (model.pricing.input === 0 && model.pricing.output === 0) list.push('<span class="badge">free tier</span>');
          return list.join("");
        }
        function renderGrid() {
          const query = $("#search").value.trim().toLowerCase();
          const needs = [...document.querySelectorAll("[data-capability]:checked")].map((box) => box.dataset.capability);
          const provider = $("#provider-filter").value;
          const usableOnly = $("#usable-only").checked;
          let models = state.models.filter((m) =>
            (!query || (m.id + " " + m.provider_name).toLowerCase().includes(query)) &&
            needs.every((need) => m.capabilities[need]) && (!provider || m.provider === provider) && (!usableOnly || m.available));
          const sort = $("#sort").value;
          const cost = (m) => (m.pricing.input == null ? Infinity : m.pricing.input + m.pricing.output);
          if (sort === "price") models.sort((a, b) => cost(a) - cost(b));
          if (sort === "context") models.sort((a, b) => (b.context_length || 0) - (a.context_length || 0));
          if (sort === "latency") models.sort((a, b) => (state.latency[a.provider] ?? Infinity) - (state.latency[b.provider] ?? Infinity));
          $("#grid").innerHTML = models.map((m) => `
            <div class="card${m.available ? "" : " unusable"}" style="--provider:${escape(m.colour)}" data-id="${escape(m.id)}" data-provider="${escape(m.provider)}">
              <div class="provider">${escape(m.provider_name)}</div>
              <h3>${escape(m.model)}</h3>
              <div class="meta">${tokens(m.context_length)} context · ${price(m.pricing.input)} in / ${price(m.pricing.output)} out per 1M</div>
              <div>${badges(m)}</div>
              <div class="meta">${m.available ? "usable now" : escape(m.unavailable_reason || "unavailable")}</div>
            </div>`).join("");
          for (const card of document.querySelectorAll(".card")) card.addEventListener("click", () => detail(card.dataset.id));
        }
        function detail(id) {
          const m = state.models.find((model) => model.id === id);
          const base = location.origin + "/v1";
          const curl = `curl ${base}/chat/completions -H 'Content-Type: application/json' -d '{"model":"${m.id}","messages":[{"role":"user","content":"Hello"}]}'`;
          const caps = [m.capabilities.tools && "tool_use", m.capabilities.vision && "image_input"].filter(Boolean);
          const entry = `  - name: "${m.provider_name}: ${m.model}"\n    provider: openai\n    model: "${m.id}"\n    apiBase: "${base}/"\n    apiKey: "dummy-key"\n    capabilities: [${caps.join(", ")}]\n    defaultCompletionOptions:\n      contextLength: ${m.context_length || 8192}`;
          const panel = $("#detail");
          panel.hidden = false;
          panel.innerHTML = `<h3>${escape(m.id)}</h3>
            <p><button data-copy="id">Copy model id</button> <button data-copy="curl">Copy curl</button> <button data-copy="continue">Copy Continue entry</button></p>
            <pre>${escape(curl)}</pre><pre>${escape(entry)}</pre>`;
          const texts = { id: m.id, curl, continue: entry };
          for (const button of panel.querySelectorAll("[data-copy]")) button.addEventListener("click", () => copy(texts[button.dataset.copy]));
          copy(m.id);
        }
        async function loadModels() {
          state.models = (await json("/api/models")).data;
          const select = $("#provider-filter");
          const current = select.value;
          const providers = [...new Map(state.models.map((m) => [m.provider, m.provider_name])).entries()];
          select.innerHTML = '<option value="">all providers</option>' + providers.map(([id, name]) => `<option value="${escape(id)}">${escape(name)}</option>`).join("");
          select.value = current;
          renderGrid();
          const play = $("#play-model");
          const chosen = play.value;
          play.innerHTML = state.models.filter((m) => m.available && !m.capabilities.embedding).map((m) => `<option>${escape(m.id)}</option>`).join("");
          if (chosen) play.value = chosen;
        }
        for (const element of ["#search", "#provider-filter", "#sort", "#usable-only"]) $(element).addEventListener("input", renderGrid);
        for (const box of document.querySelectorAll("[data-capability]")) box.addEventListener("change", renderGrid);

        // Providers
        async function loadProviders() {
          state.providers = (await json("/api/providers")).providers;
          for (const p of state.providers) state.latency[p.name] = p.traffic.latency_p50 ?? undefined;
          const ms = (s) => (s == null ? "-" : Math.round(s * 1000) + " ms");
          $("#provider-table tbody").innerHTML = state.providers.map((p) => `
            <tr data-provider="${escape(p.name)}">
              <td><span style="color:${escape(p.colour)}">●</span> ${escape(p.display_name)}</td>
              <td class="state state-${escape(p.state)}">${escape(p.state)}${p.unavailable_reason ?? p.reason ? " — " + escape(p.unavailable_reason ?? p.reason) : ""}</td>
              <td>${p.restarts}</td><td>${escape(p.key)}</td><td>${p.traffic.requests_per_minute}</td>
              <td>${ms(p.traffic.latency_p50)}</td><td>${ms(p.traffic.latency_p95)}</td><td>${ms(p.traffic.ttfb_p50)}</td>
              <td>${p.limits ? (p.limits.requests_left ?? "∞") + " left" + (p.limits.queued ? `, ${p.limits.queued} queued` : "") : "-"}</td>
              <td>${p.traffic.last_error_status ? p.traffic.last_error_status + " at " + escape(p.traffic.last_error_at) : "-"}</td>
            </tr>`).join("");
        }

        // Spend
        async function loadSpend() {
          const [days, models, clients] = await Promise.all([json("/api/usage?group_by=day"), json("/api/usage?group_by=model"), json("/api/usage?group_by=key")]);
          const dollars = (value) => "$" + value.toFixed(4);
          $("#spent").textContent = dollars(models.totals.cost_usd) + (models.cost_complete ? "" : " + unpriced");
          $("#reference").textContent = models.reference_model ? dollars(models.totals.reference_cost_usd) + " (" + models.reference_model + ")" : "not set";
          $("#saved").textContent = models.reference_model ? dollars(models.totals.savings_usd) : "-";
          $("#tokens").textContent = (models.totals.prompt_tokens + models.totals.completion_tokens).toLocaleString();
          const rows = days.rows.slice().sort((a, b) => a.key.localeCompare(b.key)).slice(-30);
          // Dollars when anything was priced, tokens otherwise (free and local models cost nothing).
          const priced = rows.some((r) => r.cost_usd > 0);
          const value = (r) => (priced ? r.cost_usd : r.prompt_tokens + r.completion_tokens);
          $("#chart-title").textContent = priced ? "Cost per day" : "Tokens per day";
          const top = Math.max(1e-9, ...rows.map(value));
          const width = 700 / Math.max(rows.length, 7);
          $("#chart").innerHTML = rows.map((r, i) => {
            const height = Math.max(1, Math.round((value(r) / top) * 160));
            const label = priced ? "$" + r.cost_usd.toFixed(4) : value(r).toLocaleString() + " tokens";
            return `<rect x="${i * width + 4}" y="${180 - height}" width="${Math.max(3, width - 8)}" height="${height}"><title>${r.key}: ${label}</title></rect>` +
              (i % Math.ceil(rows.length / 10) === 0 ? `<text x="${i * width + 4}" y="196">${r.key.slice(5)}</text>` : "");
          }).join("") || '<text x="20" y="100">No usage yet</text>';
          $("#spend-table tbody").innerHTML = models.rows.map((r) => `<tr><td>${escape(r.key)}</td><td>${r.requests}</td><td>${r.prompt_tokens}</td><td>${r.completion_tokens}</td>
            <td>${r.cost_usd.toFixed(4)}${r.unpriced_requests ? ` + ${r.unpriced_requests} unpriced` : ""}</td><td>${r.savings_usd.toFixed(4)}</td></tr>`).join("");
          await loadKeyNames();
          $("#client-table tbody").innerHTML = clients.rows.slice(0, 10).map((r) => `<tr><td>${escape(state.keyNames[r.key] ?? r.key)}</td><td>${r.requests}</td><td>${r.cost_usd.toFixed(4)}</td></tr>`).join("");
        }

        // Continue
        async function loadContinue() {
          const response = await call("/continue/config.yaml");
          $("#continue-config").textContent = await response.text();
        }
        $("#copy-continue").addEventListener("click", () => copy($("#continue-config").textContent));

        // Playground: streams the answer; the session stays in this browser.
        function renderSession() {
          $("#play-log").innerHTML = state.session.map((m) => `<div class="msg ${m.role}">${escape(m.content)}</div>`).join("");
        }
        async function send() {
          const prompt = $("#play-prompt").value.trim();
          const model = $("#play-model").value;
          if (!prompt || !model) return;
          $("#play-prompt").value = "";
          state.session.push({ role: "user", content: prompt });
          const answer = { role: "assistant", content: "" };
          state.session.push(answer);
          renderSession();
          const started = performance.now();
          let first = null, usage = null;
          const playKey = $("#play-key").value.trim();
          const headers = playKey ? { "Content-Type": "application/json", Authorization: "Bearer " + playKey } : authorized({ "Content-Type": "application/json" });
          const response = await fetch("/v1/chat/completions", {
            method: "POST", headers,
            body: JSON.stringify({ model, stream: true, stream_options: { include_usage: true }, messages: state.session.slice(0, -1) }),
          });
          if (!response.ok) { answer.content = "Error: " + ((await response.json()).error?.message || response.status); renderSession(); return; }
          const reader = response.body.getReader();
          const decoder = new TextDecoder();
          let buffer = "";
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            buffer += decoder.decode(value, { stream: true });
            let end;
            while ((end = buffer.indexOf("\n\n")) >= 0) {
              const event = buffer.slice(0, end); buffer = buffer.slice(end + 2);
              const data = event.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("");
              if (!data || data === "[DONE]") continue;
              const chunk = JSON.parse(data);
              if (chunk.error) { answer.content += "\n[error] " + chunk.error.message; continue; }
              if (chunk.usage) usage = chunk.usage;
              const delta = chunk.choices?.[0]?.delta?.content;
              if (delta) { if (first == null) first = performance.now(); answer.content += delta; renderSession(); }
            }
          }
          localStorage.setItem("orchestra.session", JSON.stringify(state.session));
          renderSession();
          const info = state.models.find((m) => m.id === model);
          const cost = usage && info && info.pricing.input != null ? ((usage.prompt_tokens * info.pricing.input + usage.completion_tokens * info.pricing.output) / 1e6) : null;
          $("#play-stats").textContent = `${usage ? usage.prompt_tokens + " + " + usage.completion_tokens + " tokens" : "no usage"} · ` +
            `${cost == null ? "cost unknown" : "$" + cost.toFixed(6)} · first token ${Math.round((first ?? performance.now()) - started)} ms · total ${Math.round(performance.now() - started)} ms`;
        }
        $("#play-send").addEventListener("click", send);
        $("#play-prompt").addEventListener("keydown", (event) => { if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) send(); });
        $("#play-clear").addEventListener("click", () => { state.session = []; localStorage.removeItem("orchestra.session"); renderSession(); });

        // Keys and teams (the admin API; absent while client keys are off).
        const money = (value) => (value == null ? "-" : "$" + value.toFixed(2));
        function limitsText(limits) {
          const parts = [];
          if (limits.models) parts.push("models: " + limits.models.join(", "));
          for (const [key, label] of [["rpm", "rpm"], ["tpm", "tpm"], ["max_parallel", "parallel"]]) if (limits[key] != null) parts.push(label + " " + limits[key]);
          if (limits.allow_unpriced) parts.push("unpriced allowed");
          return escape(parts.join(" · ") || "-");
        }
        const budgetText = (item) => (item.limits.budget_usd == null ? "-" : money(item.limits.budget_usd) + " / " + item.limits.period);
        const spentText = (item) => (item.budget ? money(item.budget.spent_usd) + (item.budget.reserved_usd > 0 ? " + " + money(item.budget.reserved_usd) + " reserved" : "") : "-");
        async function loadKeyNames() {
          if (state.clientKeys === undefined) state.clientKeys = (await (await fetch("/health")).json()).client_keys;
          if (!state.clientKeys) return null;
          const response = await call("/admin/v1/keys").catch(() => null);
          if (!response || !response.ok) return null;
          const keys = (await response.json()).data;
          for (const key of keys) state.keyNames[key.id] = key.name;
          return keys;
        }
        async function loadKeys() {
          const keys = await loadKeyNames();
          $("#keys-off").hidden = keys != null;
          $("#keys-on").hidden = keys == null;
          if (keys == null) return;
          const teams = (await json("/admin/v1/teams")).data;
          for (const team of teams) state.teamNames[team.id] = team.name;
          $("#team-table tbody").innerHTML = teams.map((t) => `<tr data-team="${escape(t.id)}"><td>${escape(t.name)}${t.disabled ? " (disabled)" : ""}</td><td>${t.keys}</td>
            <td>${budgetText(t)}</td><td>${spentText(t)}</td><td>${limitsText(t.limits)}</td></tr>`).join("");
          $("#key-team").innerHTML = '<option value="">no team</option>' + teams.map((t) => `<option value="${escape(t.id)}">${escape(t.name)}</option>`).join("");
          $("#key-table tbody").innerHTML = keys.map((k) => `<tr data-key="${escape(k.id)}"><td>${escape(k.name)}</td><td><code>${escape(k.prefix)}…</code></td>
            <td>${escape(state.teamNames[k.team_id] ?? "-")}</td><td class="key-state">${escape(k.state)}</td><td>${budgetText(k)}</td><td>${spentText(k)}</td>
            <td>${limitsText(k.limits)}</td><td>${escape(k.last_used_at ?? "never")}</td>
            <td>${k.state === "revoked" ? "" : `<button class="revoke" data-id="${escape(k.id)}">Revoke</button>`}</td></tr>`).join("");
          for (const button of document.querySelectorAll("#key-table .revoke")) {
            button.addEventListener("click", async () => {
              if (!confirm("Revoke this key? Every instance refuses it within a second.")) return;
              await call(`/admin/v1/keys/${encodeURIComponent(button.dataset.id)}/revoke`, { method: "POST" });
              loadKeys();
            });
          }
        }
        function limitsFrom(prefix) {
          const limits = {};
          const budget = $(`#${prefix}-budget`).value;
          if (budget !== "") { limits.budget_usd = Number(budget); limits.period = $(`#${prefix}-period`).value; }
          const rpm = $(`#${prefix}-rpm`)?.value;
          if (rpm) limits.rpm = Number(rpm);
          const models = ($(`#${prefix}-models`)?.value || "").split(",").map((m) => m.trim()).filter(Boolean);
          if (models.length) limits.models = models;
          return limits;
        }
        async function create(url, body) {
          const response = await call(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
          const answer = await response.json();
          $("#keys-error").textContent = response.ok ? "" : answer.error?.message ?? "refused";
          return response.ok ? answer : null;
        }
        $("#team-form").addEventListener("submit", async (event) => {
          event.preventDefault();
          if (await create("/admin/v1/teams", { name: $("#team-name").value, limits: limitsFrom("team") })) { event.target.reset(); loadKeys(); }
        });
        $("#key-form").addEventListener("submit", async (event) => {
          event.preventDefault();
          const body = { name: $("#key-name").value, limits: limitsFrom("key") };
          if ($("#key-team").value) body.team_id = $("#key-team").value;
          const created = await create("/admin/v1/keys", body);
          if (!created) return;
          event.target.reset();
          $("#new-key-value").textContent = created.key;
          $("#new-key").hidden = false;
          loadKeys();
        });
        $("#copy-key").addEventListener("click", () => copy($("#new-key-value").textContent));

        // Live refresh without reloading.
        async function refresh() {
          if (!$("#signin").hidden) return;
          try {
            await Promise.all([loadModels(), loadProviders()]);
            if (!$("#spend").hidden) await loadSpend();
            if (!$("#keys").hidden) await loadKeys();
            document.body.dataset.loaded = "true";
          } catch (error) { if (!(error instanceof SignInNeeded)) console.warn("refresh failed", error); }
        }
        renderSession();
        show((location.hash || "#models").slice(1));
        refresh();
        setInterval(refresh, 2000);
        """#
}
