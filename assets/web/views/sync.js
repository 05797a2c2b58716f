// Sync (admins): each remote's last pull and push, what waits to be pushed, the open conflicts
// with both values and a button to keep one side, and pull / push now. The routes under
// /api/kitsu-local/sync call what the `kitsu-local sync` command calls.
import { useState } from "preact/hooks";
import { get, post } from "../api.js";
import { ErrorNote, formatDate, html, Icon, Loading, useLoad } from "./common.js";

const BASE = "/kitsu-local/sync/remotes";

export function SyncView({ user }) {
  const [remotes, error] = useLoad(() => get(BASE), []);
  if (user.role !== "admin") return html`<h1>Sync</h1><p class="empty">Only admins sync.</p>`;
  return html`
    <h1>Sync</h1>
    <${ErrorNote} error=${error} />
    ${!remotes && !error && html`<${Loading} what="Loading the remotes" />`}
    ${
      remotes &&
      !remotes.length &&
      html`<p class="empty">No remote is set up yet. An admin
      adds one with <code>kitsu-local remote add NAME URL</code>.</p>`
    }
    <div class="sync-grid">
      ${(remotes || []).map((remote) => html`<${RemotePanel} key=${remote.name} remote=${remote} />`)}
    </div>`;
}

function RemotePanel({ remote }) {
  const path = `${BASE}/${encodeURIComponent(remote.name)}`;
  const [status, error, reload] = useLoad(() => get(path), [remote.name]);
  const [running, setRunning] = useState(null);
  const [result, setResult] = useState(null);
  const [runError, setRunError] = useState(null);
  const run = async (direction) => {
    setRunning(direction);
    setRunError(null);
    try {
      setResult(await post(`${path}/${direction}`));
    } catch (problem) {
      setRunError(problem);
    } finally {
      setRunning(null);
      reload();
    }
  };
  return html`
    <section class="card" aria-labelledby=${`remote-${remote.name}`} data-remote=${remote.name}>
      <h2 id=${`remote-${remote.name}`}><${Icon} name="sync" /> ${remote.name}</h2>
      <p class="muted">${remote.url} · as ${remote.email}</p>
      <${ErrorNote} error=${error} />
      ${
        status &&
        html`<dl class="facts">
        <dt>Last pull</dt><dd data-testid="last-pull">${formatDate(status.last_pull_at) || "never"}
          ${status.pull_interrupted ? " (stopped before the end: the next pull resumes it)" : ""}</dd>
        <dt>Last push</dt><dd data-testid="last-push">${formatDate(status.last_push_at) || "never"}</dd>
        <dt>Waiting to be pushed</dt><dd><${Pending} pending=${status.pending} /></dd>
      </dl>`
      }
      <div class="actions start">
        <button type="button" disabled=${!!running} onClick=${() => run("pull")}>
          ${running === "pull" ? "Pulling…" : "Pull now"}</button>
        <button type="button" disabled=${!!running} onClick=${() => run("push")}>
          ${running === "push" ? "Pushing…" : "Push now"}</button>
      </div>
      <${ErrorNote} error=${runError} />
      ${result && html`<p class="muted" role="status">${summaryText(result)}</p>`}
      ${
        status &&
        html`<h3>Conflicts</h3>
        ${status.conflicts.length === 0 && html`<p class="empty">No conflict.</p>`}
        <ul class="conflicts">
          ${status.conflicts.map(
            (conflict) => html`<${Conflict} key=${conflict.id}
            conflict=${conflict} path=${path} remoteName=${remote.name} onResolved=${reload} />`,
          )}
        </ul>`
      }
    </section>`;
}

function countsText(counts) {
  return Object.entries(counts)
    .map(([action, n]) => `${n} ${action}`)
    .join(", ");
}

function summaryText(result) {
  const kinds = Object.entries(result.counts).map(
    ([kind, counts]) => `${kind} ${countsText(counts)}`,
  );
  let text = `${result.direction} done in ${result.seconds} s: ${kinds.join("; ") || "nothing changed"}`;
  if (result.conflicts) text += `; ${result.conflicts} conflict(s)`;
  if (result.errors.length) text += `; not synced: ${result.errors.join("; ")}`;
  return text;
}

function Pending({ pending }) {
  const entries = Object.entries(pending || {});
  if (!entries.length) return html`<span>nothing</span>`;
  return html`<ul class="plain">
    ${entries.map(([kind, counts]) => html`<li>${`${kind}: ${countsText(counts)}`}</li>`)}</ul>`;
}

function show(value) {
  if (value === null || value === undefined) return "(empty)";
  return typeof value === "string" ? value : JSON.stringify(value, null, 1);
}

function Conflict({ conflict, path, remoteName, onResolved }) {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const keep = async (side) => {
    setBusy(true);
    try {
      await post(`${path}/conflicts/${conflict.id}/resolve`, { keep: side });
      onResolved();
    } catch (problem) {
      setError(problem);
      setBusy(false);
    }
  };
  const what = conflict.field_name === "__deleted__" ? "deleted on one side" : conflict.field_name;
  return html`<li class="card conflict" data-conflict-id=${conflict.id}>
    <p><strong>${conflict.label || conflict.record_id}</strong>
      <span class="muted"> · ${conflict.kind} · ${what} · ${formatDate(conflict.created_at)}</span></p>
    <div class="conflict-values">
      <div><h4>Here (local)</h4><pre data-testid="local-value">${show(conflict.local_value)}</pre>
        <button type="button" disabled=${busy} onClick=${() => keep("local")}>Keep local</button></div>
      <div><h4>On ${remoteName} (remote)</h4><pre data-testid="remote-value">${show(conflict.remote_value)}</pre>
        <button type="button" disabled=${busy} onClick=${() => keep("remote")}>Keep remote</button></div>
    </div>
    <${ErrorNote} error=${error} />
  </li>`;
}
