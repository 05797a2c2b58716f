// Shared pieces of the views: the htm binding, small components, and hooks.
import { h } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import htm from "../vendor/htm.js";
import { media, mediaBlobUrl } from "../api.js";
import { onEvents } from "../live.js";

export const html = htm.bind(h);

/** Load with `loader()` now and whenever `deps` change; answers [data, error, reload]. */
export function useLoad(loader, deps = []) {
  const [state, setState] = useState({ data: null, error: null });
  const generation = useRef(0);
  const reload = () => {
    const mine = ++generation.current;
    loader().then(
      (data) => mine === generation.current && setState({ data, error: null }),
      (error) => mine === generation.current && setState((old) => ({ data: old.data, error })),
    );
  };
  useEffect(reload, deps);
  return [state.data, state.error, reload];
}

/** Run `onEvent` on live events starting with one of `prefixes` (batched: at most one call per
 * burst, since one action emits several events). */
export function useLive(prefixes, onEvent, deps = []) {
  useEffect(() => {
    let pending = null;
    const off = onEvents(prefixes, (name, data) => {
      if (pending) return;
      pending = setTimeout(() => {
        pending = null;
        onEvent(name, data);
      }, 150);
    });
    return () => {
      off();
      if (pending) clearTimeout(pending);
    };
  }, deps);
}

/** The URL to put in src= for a media file of the API: itself when the session cookie rides
 * along, else a blob URL fetched with the token (null until loaded). */
export function useMediaSrc(url) {
  const [blob, setBlob] = useState(null);
  useEffect(() => {
    if (media.cookie || !url) return undefined;
    let made = null;
    let live = true;
    mediaBlobUrl(url).then(
      (found) => {
        made = found;
        if (live) setBlob(found);
        else URL.revokeObjectURL(found);
      },
      () => {},
    );
    return () => {
      live = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [url]);
  return media.cookie ? url : blob;
}

export function MediaImage({ url, alt, ...rest }) {
  const src = useMediaSrc(url);
  return src
    ? html`<img src=${src} alt=${alt} ...${rest} />`
    : html`<span class="media-wait">${alt}</span>`;
}

export function StatusBadge({ status, name, color }) {
  const label = status ? status.short_name || status.name : name;
  const background = (status && status.color) || color || "#999";
  return html`<span class=${isLight(background) ? "status-badge light" : "status-badge"}
    style=${{ "--status": background }}
    title=${(status && status.name) || label}>${label}</span>`;
}

/** Whether dark text reads better on this "#rrggbb" colour (Todo's is almost white). */
function isLight(color) {
  const match = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color || "");
  if (!match) return false;
  const [r, g, b] = match.slice(1).map((part) => parseInt(part, 16) / 255);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.7;
}

export function ErrorNote({ error }) {
  if (!error) return null;
  return html`<p class="error" role="alert">${error.message || String(error)}</p>`;
}

export function Loading({ what = "Loading" }) {
  return html`<p class="muted" aria-busy="true">${what}…</p>`;
}

export function formatDate(value) {
  if (!value) return "";
  return value.replace("T", " ").slice(0, 16);
}

export function personName(person) {
  if (!person) return "";
  return person.full_name || `${person.first_name || ""} ${person.last_name || ""}`.trim();
}

export function Avatar({ person }) {
  const name = personName(person);
  const initials = name
    .split(/\s+/)
    .map((part) => part[0] || "")
    .join("")
    .slice(0, 2);
  return html`<span class="avatar" title=${name} aria-hidden="true">${initials}</span>`;
}

const ICONS = {
  play: "M8 5v14l11-7z",
  pause: "M6 5h4v14H6zM14 5h4v14h-4z",
  prev: "M6 6h2v12H6zm3.5 6 8.5 6V6z",
  next: "M16 6h2v12h-2zM6 18l8.5-6L6 6z",
  upload: "M5 20h14v-2H5zm7-16-5 5h3v6h4V9h3z",
  bell: "M12 22a2 2 0 0 0 2-2h-4a2 2 0 0 0 2 2m6-6V11c0-3.1-1.6-5.6-4.5-6.3V4a1.5 1.5 0 0 0-3 0v.7C7.6 5.4 6 7.9 6 11v5l-2 2v1h16v-1z",
  sync: "M12 4V1L8 5l4 4V6a6 6 0 0 1 5.7 7.9l1.5 1.5A8 8 0 0 0 12 4m0 14a6 6 0 0 1-5.7-7.9L4.8 8.6A8 8 0 0 0 12 20v3l4-4-4-4z",
};

export function Icon({ name, label }) {
  return html`<svg class="icon" viewBox="0 0 24 24" width="18" height="18"
    aria-hidden=${label ? undefined : "true"} role=${label ? "img" : undefined}
    aria-label=${label}><path d=${ICONS[name]} fill="currentColor" /></svg>`;
}

export function byName(items) {
  return [...items].sort((a, b) => (a.name || "").localeCompare(b.name || ""));
}
