// A production's breakdown: its assets (by type) and shots (by episode and sequence) in rows,
// one column per task type, each cell the task's status. Live: reloads when a task changes.
import { useState } from "preact/hooks";
import { get } from "../api.js";
import { byName, ErrorNote, html, Loading, StatusBadge, useLive, useLoad } from "./common.js";

export function BreakdownView({ projectId, context }) {
  const [kind, setKind] = useState("assets");
  const projects = byName(context.projects || []);
  const project = projects.find((item) => item.id === projectId);
  const [rows, error, reload] = useLoad(
    () =>
      projectId ? get(`/data/${kind}/with-tasks?project_id=${projectId}`) : Promise.resolve([]),
    [projectId, kind],
  );
  useLive(["task:", "asset:", "shot:"], reload, [projectId, kind]);
  const forEntity = kind === "assets" ? "Asset" : "Shot";
  const used = new Set((rows || []).flatMap((row) => row.tasks.map((task) => task.task_type_id)));
  const taskTypes = (context.task_types || [])
    .filter((type) => type.for_entity === forEntity && used.has(type.id))
    .sort((a, b) => (a.priority || 0) - (b.priority || 0));
  const statuses = Object.fromEntries((context.task_status || []).map((item) => [item.id, item]));

  return html`
    <h1>Breakdown${project ? ` · ${project.name}` : ""}</h1>
    <form class="filters" onSubmit=${(e) => e.preventDefault()}>
      <label>Production <select name="project" value=${projectId || ""}
        onChange=${(e) => {
          location.hash = `#/productions/${e.target.value}/breakdown`;
        }}>
        ${projects.map((item) => html`<option value=${item.id}>${item.name}</option>`)}
      </select></label>
      <nav class="tabs" aria-label="Entities">
        ${["assets", "shots"].map(
          (item) => html`<button type="button"
          class=${item === kind ? "tab active" : "tab"} aria-pressed=${item === kind}
          onClick=${() => setKind(item)}>${item === "assets" ? "Assets" : "Shots"}</button>`,
        )}
      </nav>
    </form>
    ${!projectId && html`<p class="empty">You are in no open production.</p>`}
    <${ErrorNote} error=${error} />
    ${!rows && !error && html`<${Loading} what="Loading the breakdown" />`}
    ${rows && rows.length === 0 && html`<p class="empty">No ${kind} in this production.</p>`}
    ${
      rows &&
      rows.length > 0 &&
      html`<table class="grid breakdown">
      <thead><tr><th scope="col">${kind === "assets" ? "Asset" : "Shot"}</th>
        ${taskTypes.map(
          (type) => html`<th scope="col"><span class="type-chip"
          style=${{ "--type": type.color }}>${type.name}</span></th>`,
        )}</tr></thead>
      ${groups(rows, kind).map(
        ([label, members]) => html`<tbody>
        <tr class="group"><th colspan=${taskTypes.length + 1} scope="rowgroup">${label}</th></tr>
        ${members.map(
          (row) => html`<tr key=${row.id}>
          <th scope="row">${row.name}</th>
          ${taskTypes.map((type) => {
            const task = row.tasks.find((item) => item.task_type_id === type.id);
            return html`<td>${
              task &&
              html`<a href=${`#/tasks/${task.id}`}
              aria-label=${`${row.name} ${type.name}: ${(statuses[task.task_status_id] || {}).name}`}>
              <${StatusBadge} status=${statuses[task.task_status_id]} /></a>`
            }</td>`;
          })}
        </tr>`,
        )}
      </tbody>`,
      )}
    </table>`
    }`;
}

function groups(rows, kind) {
  const found = new Map();
  for (const row of byName(rows)) {
    const label =
      kind === "assets"
        ? row.asset_type_name
        : [row.episode_name, row.sequence_name].filter(Boolean).join(" / ") || "No sequence";
    if (!found.has(label)) found.set(label, []);
    found.get(label).push(row);
  }
  return [...found.entries()].sort((a, b) => a[0].localeCompare(b[0]));
}
