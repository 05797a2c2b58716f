// A task: its entity, status and assignees, the comment thread with replies, and the form that
// posts a comment with a status change, attachments and a preview (drag and drop or a file
// input). An uploaded preview shows its upload progress, then "processing" until the server's
// job turns it ready (live event preview-file:update, or a poll when the stream is down).
import { useEffect, useRef, useState } from "preact/hooks";
import { get, media, mediaBlobUrl, mediaUrl, post, upload } from "../api.js";
import {
  Avatar,
  ErrorNote,
  formatDate,
  html,
  Icon,
  Loading,
  MediaImage,
  personName,
  StatusBadge,
  useLive,
  useLoad,
} from "./common.js";

const POLL_MS = 1500;

export function allowedStatuses(context, user) {
  return (context.task_status || []).filter(
    (status) =>
      !status.archived &&
      !status.for_concept &&
      (user.role !== "user" || status.is_artist_allowed) &&
      (user.role !== "client" || status.is_client_allowed),
  );
}

export function TaskView({ taskId, user, context }) {
  const [task, taskError, reloadTask] = useLoad(() => get(`/data/tasks/${taskId}/full`), [taskId]);
  const [comments, commentsError, reloadComments] = useLoad(
    () => get(`/data/tasks/${taskId}/comments`),
    [taskId],
  );
  useLive(
    ["task:", "comment:", "preview-file:"],
    (name, data) => {
      if (!data.task_id || data.task_id === taskId || name.startsWith("preview-file:")) {
        reloadTask();
        reloadComments();
      }
    },
    [taskId],
  );

  if (taskError) return html`<${ErrorNote} error=${taskError} />`;
  if (!task) return html`<${Loading} what="Loading the task" />`;
  const refresh = () => {
    reloadTask();
    reloadComments();
  };
  return html`
    <${TaskHeader} task=${task} />
    <div class="task-layout">
      <section aria-labelledby="thread-title">
        <${CommentForm} task=${task} user=${user} context=${context} onPosted=${refresh} />
        <h2 id="thread-title">Comments</h2>
        <${ErrorNote} error=${commentsError} />
        ${!comments && html`<${Loading} what="Loading comments" />`}
        ${comments && !comments.length && html`<p class="empty">No comment yet.</p>`}
        <ol class="thread">
          ${(comments || []).map(
            (comment) => html`<${Comment} key=${comment.id}
            comment=${comment} taskId=${taskId} onChanged=${reloadComments} />`,
          )}
        </ol>
      </section>
      <aside aria-label="Latest preview">
        <${LatestPreview} task=${task} comments=${comments || []} />
      </aside>
    </div>`;
}

function TaskHeader({ task }) {
  const entity = task.entity || {};
  return html`
    <header class="task-header">
      <p class="breadcrumb">
        <a href=${`#/productions/${task.project.id}/breakdown`}>${task.project.name}</a>
        <span aria-hidden="true"> › </span>${(task.entity_type || {}).name}
      </p>
      <h1><span data-testid="entity-name">${entity.name}</span>
        <span class="type-chip" style=${{ "--type": task.task_type.color }}>${task.task_type.name}</span>
        <span data-testid="task-status"><${StatusBadge} status=${task.task_status} /></span>
      </h1>
      <dl class="facts">
        <dt>Assignees</dt>
        <dd>${
          task.persons && task.persons.length
            ? task.persons.map(
                (person) => html`<span class="person"><${Avatar} person=${person} />
              ${personName(person)}</span>`,
              )
            : html`<span class="muted">nobody</span>`
        }</dd>
        ${task.due_date && html`<dt>Due</dt><dd>${task.due_date.slice(0, 10)}</dd>`}
        ${entity.description && html`<dt>Description</dt><dd>${entity.description}</dd>`}
      </dl>
    </header>`;
}

function LatestPreview({ task, comments }) {
  const previews = comments.flatMap((comment) => comment.previews || []);
  const latest =
    previews.find((preview) => preview.id === task.last_preview_file_id) || previews[0];
  if (!latest) return html`<p class="muted">No preview yet.</p>`;
  return html`<h2>Latest preview</h2>
    <${PreviewThumb} preview=${latest} large=${true} />
    <p class="muted">Revision ${latest.revision}</p>`;
}

export function PreviewThumb({ preview, large }) {
  if (preview.status === "processing") {
    return html`<span class="preview-thumb processing" data-preview-status="processing">
      <progress aria-label="Processing the preview"></progress> Processing…</span>`;
  }
  if (preview.status === "broken") {
    return html`<span class="preview-thumb broken" data-preview-status="broken">Preview broken</span>`;
  }
  return html`<a class=${large ? "preview-thumb large" : "preview-thumb"} href=${`#/review/${preview.id}`}
    data-preview-status=${preview.status} title=${`Review revision ${preview.revision}`}>
    <${MediaImage} url=${mediaUrl.thumbnail(preview.id)} alt=${`Preview, revision ${preview.revision}`} />
    ${preview.extension === "mp4" && html`<span class="play-mark"><${Icon} name="play" /></span>`}
  </a>`;
}

/** Without the session cookie a plain link would get a 401: fetch it with the token instead. */
async function downloadWithToken(event) {
  if (media.cookie) return;
  event.preventDefault();
  const link = event.currentTarget;
  const saved = document.createElement("a");
  saved.href = await mediaBlobUrl(link.href);
  saved.download = link.getAttribute("download");
  saved.click();
  setTimeout(() => URL.revokeObjectURL(saved.href), 60000);
}

function Comment({ comment, taskId, onChanged }) {
  const [replying, setReplying] = useState(false);
  const replyBox = useRef(null);
  useEffect(() => replying && replyBox.current && replyBox.current.focus(), [replying]);
  const [text, setText] = useState("");
  const [error, setError] = useState(null);
  const sendReply = async (event) => {
    event.preventDefault();
    try {
      await post(`/data/tasks/${taskId}/comments/${comment.id}/reply`, { text });
      setText("");
      setReplying(false);
      onChanged();
    } catch (problem) {
      setError(problem);
    }
  };
  return html`
    <li class="comment card" data-comment-id=${comment.id}>
      <header>
        <${Avatar} person=${comment.person} />
        <strong>${personName(comment.person)}</strong>
        <${StatusBadge} status=${comment.task_status} />
        <time class="muted" datetime=${comment.created_at}>${formatDate(comment.created_at)}</time>
      </header>
      ${comment.text && html`<p class="comment-text">${comment.text}</p>`}
      ${
        comment.previews &&
        comment.previews.length > 0 &&
        html`<div class="previews">
        ${comment.previews.map((preview) => html`<${PreviewThumb} key=${preview.id} preview=${preview} />`)}
      </div>`
      }
      ${
        comment.attachment_files &&
        comment.attachment_files.length > 0 &&
        html`<ul class="attachments">
        ${comment.attachment_files.map(
          (file) => html`<li><a href=${mediaUrl.attachment(file.id, file.name)}
          download=${file.name} onClick=${downloadWithToken}>${file.name}</a></li>`,
        )}
      </ul>`
      }
      ${
        (comment.replies || []).length > 0 &&
        html`<ol class="replies">
        ${comment.replies.map(
          (reply) => html`<li class="reply">
          <span class="muted">${formatDate(reply.date)}</span> ${reply.text}</li>`,
        )}
      </ol>`
      }
      ${
        replying
          ? html`<form class="reply-form" onSubmit=${sendReply}>
            <label class="sr-only" for=${`reply-${comment.id}`}>Reply</label>
            <textarea id=${`reply-${comment.id}`} rows="2" required value=${text}
              onInput=${(e) => setText(e.target.value)} ref=${replyBox}></textarea>
            <${ErrorNote} error=${error} />
            <div class="actions">
              <button type="button" class="secondary" onClick=${() => setReplying(false)}>Cancel</button>
              <button type="submit">Send reply</button>
            </div>
          </form>`
          : html`<button type="button" class="link" onClick=${() => setReplying(true)}>Reply</button>`
      }
    </li>`;
}

function CommentForm({ task, user, context, onPosted }) {
  const statuses = allowedStatuses(context, user);
  const [status, setStatus] = useState(task.task_status_id);
  const [text, setText] = useState("");
  const [preview, setPreview] = useState(null);
  const [attachments, setAttachments] = useState([]);
  const [dragging, setDragging] = useState(false);
  const [uploads, setUploads] = useState({}); // preview id -> {name, phase, fraction}
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const previewInput = useRef(null);
  const setUpload = (id, values) =>
    setUploads((old) => ({ ...old, [id]: { ...(old[id] || {}), ...values } }));

  const dropped = (event) => {
    event.preventDefault();
    setDragging(false);
    const file = event.dataTransfer.files[0];
    if (file) setPreview(file);
  };

  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      let comment;
      const path = `/actions/tasks/${task.id}/comment`;
      if (attachments.length) {
        const form = new FormData();
        form.append("task_status_id", status);
        form.append("comment", text);
        attachments.forEach((file, index) => form.append(`file-${index}`, file));
        comment = await upload(path, form);
      } else {
        comment = await post(path, { task_status_id: status, comment: text });
      }
      const file = preview;
      setText("");
      setPreview(null);
      setAttachments([]);
      if (previewInput.current) previewInput.current.value = "";
      onPosted();
      if (file) await sendPreview(task.id, comment.id, file, setUpload);
      onPosted();
    } catch (problem) {
      setError(problem);
    } finally {
      setBusy(false);
    }
  };

  return html`
    <form class="card comment-form" onSubmit=${submit} aria-labelledby="new-comment-title">
      <h2 id="new-comment-title">New comment</h2>
      <label>Status
        <select name="task_status_id" value=${status} onChange=${(e) => setStatus(e.target.value)}>
          ${statuses.map((item) => html`<option value=${item.id}>${item.name}</option>`)}
        </select></label>
      <label>Comment
        <textarea name="comment" rows="3" value=${text} onInput=${(e) => setText(e.target.value)}
          placeholder="What changed, what to look at"></textarea></label>
      <div class=${dragging ? "drop-zone dragging" : "drop-zone"} data-testid="drop-zone"
        onDragOver=${(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave=${() => setDragging(false)} onDrop=${dropped}>
        <${Icon} name="upload" />
        ${
          preview
            ? html`<span>Preview: <strong>${preview.name}</strong></span>
              <button type="button" class="link" onClick=${() => setPreview(null)}>Remove</button>`
            : html`<span>Drop a picture or a movie here, or</span>`
        }
        <label class="file-button">${preview ? "Choose another" : "Choose a preview"}
          <input type="file" name="preview" ref=${previewInput} accept="image/*,video/*"
            class="sr-only" onChange=${(e) => setPreview(e.target.files[0] || null)} /></label>
      </div>
      <label>Attachments
        <input type="file" name="attachments" multiple
          onChange=${(e) => setAttachments([...e.target.files])} /></label>
      <${ErrorNote} error=${error} />
      <div class="actions">
        <button type="submit" disabled=${busy}>${busy ? "Posting…" : "Post comment"}</button>
      </div>
      <${UploadList} uploads=${uploads} />
    </form>`;
}

async function sendPreview(taskId, commentId, file, setUpload) {
  const preview = await post(`/actions/tasks/${taskId}/comments/${commentId}/add-preview`, {});
  setUpload(preview.id, { name: file.name, phase: "uploading", fraction: 0 });
  const form = new FormData();
  form.append("file", file);
  try {
    await upload(`/pictures/preview-files/${preview.id}`, form, (fraction) =>
      setUpload(preview.id, { fraction }),
    );
  } catch (problem) {
    setUpload(preview.id, { phase: "failed", message: problem.message });
    throw problem;
  }
  setUpload(preview.id, { phase: "processing", fraction: 1 });
}

function UploadList({ uploads }) {
  const entries = Object.entries(uploads);
  if (!entries.length) return null;
  return html`<ul class="uploads" aria-live="polite">
    ${entries.map(([id, item]) => html`<${UploadRow} key=${id} id=${id} item=${item} />`)}
  </ul>`;
}

function UploadRow({ id, item }) {
  const [status, setStatus] = useState(null);
  const processing = item.phase === "processing" && status !== "ready" && status !== "broken";
  const check = () =>
    get(`/data/preview-files/${id}`).then(
      (found) => setStatus(found.status),
      () => {},
    );
  useLive(
    ["preview-file:"],
    (name, data) => {
      if (!data.preview_file_id || data.preview_file_id === id) check();
    },
    [id],
  );
  useEffect(() => {
    if (!processing) return undefined;
    check();
    const timer = setInterval(check, POLL_MS);
    return () => clearInterval(timer);
  }, [processing]);
  let state;
  if (item.phase === "uploading") {
    state = html`Uploading <progress max="1" value=${item.fraction}></progress>
      ${Math.round(item.fraction * 100)}%`;
  } else if (item.phase === "failed")
    state = html`<span class="error">Upload failed: ${item.message}</span>`;
  else if (status === "ready")
    state = html`<span class="ok">Ready</span> <a href=${`#/review/${id}`}>Review</a>`;
  else if (status === "broken")
    state = html`<span class="error">The server could not read this file</span>`;
  else state = html`Processing <progress aria-label="Processing"></progress>`;
  const phase = status === "ready" || status === "broken" ? status : item.phase;
  return html`<li class="upload" data-upload-phase=${phase}><strong>${item.name}</strong> ${state}</li>`;
}
