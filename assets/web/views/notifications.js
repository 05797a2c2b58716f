// Notifications: the caller's last ones (comments, mentions, assignments, replies), each
// linking to its task; mark one or all read. Live: reloads on notification events.
import { post, put, get } from "../api.js";
import { ErrorNote, formatDate, html, Loading, StatusBadge, useLive, useLoad } from "./common.js";

const KINDS = {
  comment: "commented",
  mention: "mentioned you",
  assignation: "assigned you",
  reply: "replied",
  "reply-mention": "mentioned you in a reply",
};

export function NotificationsView({ context, onChange }) {
  const [items, error, reload] = useLoad(() => get("/data/user/notifications"), []);
  useLive(["notification:"], reload, []);
  const authors = Object.fromEntries((context.persons || []).map((item) => [item.id, item]));
  const mark = async (item, read) => {
    await put(`/data/user/notifications/${item.id}`, { read });
    reload();
    onChange();
  };
  const markAll = async () => {
    await post("/actions/user/notifications/mark-all-as-read");
    reload();
    onChange();
  };
  return html`
    <h1>Notifications</h1>
    <div class="actions start"><button type="button" class="secondary" onClick=${markAll}>Mark all as read</button></div>
    <${ErrorNote} error=${error} />
    ${!items && !error && html`<${Loading} />`}
    ${items && !items.length && html`<p class="empty">No notification.</p>`}
    <ul class="notifications">
      ${(items || []).map(
        (item) => html`<li key=${item.id} class=${item.read ? "card read" : "card unread"}>
        <p><strong>${(authors[item.author_id] || {}).full_name || "Someone"}</strong>
          ${" "}${KINDS[item.notification_type] || item.notification_type}${" "}
          <a href=${`#/tasks/${item.task_id}`}>${item.full_entity_name || "a task"}
            ${item.task_type_name ? ` · ${item.task_type_name}` : ""}</a>
          ${item.task_status_name && html` <${StatusBadge} name=${item.task_status_short_name || item.task_status_name} color=${item.task_status_color} />`}
          <span class="muted"> · ${item.project_name} · ${formatDate(item.created_at)}</span></p>
        ${item.comment_text && html`<p class="comment-text">${item.comment_text}</p>`}
        <button type="button" class="link" onClick=${() => mark(item, !item.read)}>
          ${item.read ? "Mark as unread" : "Mark as read"}</button>
      </li>`,
      )}
    </ul>`;
}
