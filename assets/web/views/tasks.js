// My tasks: to do, done, and (for supervisors) tasks waiting for their feedback, with filters by
// production, status and due date. Refreshed live when a task or a comment changes.
import { useState } from "preact/hooks";
import { get } from "../api.js";
import {
  byName,
  ErrorNote,
  formatDate,
  html,
  Loading,
  StatusBadge,
  useLive,
  useLoad,
} from "./common.js";

const TABS = [
  { id: "todo", label: "To do", path: "/data/user/tasks" },
  { id: "done", label: "Done", path: "/data/user/done-tasks" },
  { id: "check", label: "To check", path: "/data/user/tasks-to-check", supervisors: true },
];
const DUE = {
  any: { label: "Any due date", keep: () => true },
  overdue: { label: "Overdue", keep: (due, today) => due && due < today },
  week: {
    label: "Due within 7 days",
    keep: (due, today, week) => due && due >= today && due <= week,
  },
  none: { label: "No due date", keep: (due) => !due },
};

function day(offset) {
  const date = new Date(Date.now() + offset * 86400000);
  return date.toISOString().slice(0, 10);
}

export function TasksView({ context, query, supervisor }) {
  const tab = TABS.find((item) => item.id === query.get("tab")) || TABS[0];
  const [project, setProject] = useState("");
  const [status, setStatus] = useState("");
  const [due, setDue] = useState("any");
  const [tasks, error, reload] = useLoad(async () => {
    const found = await get(tab.path);
    return Array.isArray(found) ? found : found.data || [];
  }, [tab.id]);
  useLive(["task:", "comment:", "preview-file:"], reload, [tab.id]);

  const today = day(0);
  const week = day(7);
  const shown = (tasks || []).filter(
    (task) =>
      (!project || task.project_id === project) &&
      (!status || task.task_status_id === status) &&
      DUE[due].keep((task.due_date || "").slice(0, 10), today, week),
  );
  const tabs = TABS.filter((item) => !item.supervisors || supervisor);
  return html`
    <h1>My tasks</h1>
    <nav class="tabs" aria-label="Task lists">
      ${tabs.map(
        (item) => html`<a href=${`#/tasks?tab=${item.id}`}
        class=${item === tab ? "tab active" : "tab"}
        aria-current=${item === tab ? "page" : undefined}>${item.label}</a>`,
      )}
    </nav>
    <form class="filters" onSubmit=${(e) => e.preventDefault()} aria-label="Filters">
      <label>Production <select value=${project} onChange=${(e) => setProject(e.target.value)}
        name="project">
        <option value="">All productions</option>
        ${byName(context.projects || []).map((item) => html`<option value=${item.id}>${item.name}</option>`)}
      </select></label>
      <label>Status <select value=${status} onChange=${(e) => setStatus(e.target.value)}
        name="status">
        <option value="">All statuses</option>
        ${(context.task_status || []).map((item) => html`<option value=${item.id}>${item.name}</option>`)}
      </select></label>
      <label>Due <select value=${due} onChange=${(e) => setDue(e.target.value)} name="due">
        ${Object.entries(DUE).map(([id, item]) => html`<option value=${id}>${item.label}</option>`)}
      </select></label>
      <span class="muted">${tasks ? `${shown.length} of ${tasks.length}` : ""}</span>
    </form>
    <${ErrorNote} error=${error} />
    ${!tasks && !error && html`<${Loading} what="Loading tasks" />`}
    ${tasks && html`<${TaskTable} tasks=${shown} />`}`;
}

function TaskTable({ tasks }) {
  const today = day(0);
  if (!tasks.length) return html`<p class="empty">No task here.</p>`;
  return html`
    <table class="grid task-list">
      <thead><tr>
        <th scope="col">Production</th><th scope="col">Entity</th><th scope="col">Task</th>
        <th scope="col">Status</th><th scope="col">Due</th><th scope="col">Last comment</th>
      </tr></thead>
      <tbody>
        ${tasks.map(
          (task) => html`<tr key=${task.id} data-task-id=${task.id}>
          <td>${task.project_name}</td>
          <td><a href=${`#/tasks/${task.id}`}>${entityLabel(task)}</a></td>
          <td><span class="type-chip" style=${{ "--type": task.task_type_color }}>${task.task_type_name}</span></td>
          <td><${StatusBadge} name=${task.task_status_short_name} color=${task.task_status_color} /></td>
          <td class=${task.due_date && task.due_date.slice(0, 10) < today ? "overdue" : ""}>
            ${(task.due_date || "").slice(0, 10)}</td>
          <td class="muted">${formatDate(task.last_comment_date)}</td>
        </tr>`,
        )}
      </tbody>
    </table>`;
}

export function entityLabel(task) {
  const parts = [task.episode_name, task.sequence_name, task.entity_name].filter(Boolean);
  if (task.entity_type_name && !task.sequence_name)
    return `${task.entity_type_name} / ${task.entity_name}`;
  return parts.join(" / ");
}
