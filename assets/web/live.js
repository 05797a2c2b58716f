// Live updates: the Socket.IO event stream of the same server (/socket.io, namespace /events),
// authenticated with the session's JWT as gazu.events does. Views subscribe to event names.
import { io } from "./vendor/socket.io.js";
import { session } from "./api.js";

let socket = null;
const listeners = new Set();

export function connectLive() {
  if (socket || !session.token) return;
  socket = io("/events", {
    path: "/socket.io",
    auth: { token: session.token },
    extraHeaders: { Authorization: `Bearer ${session.token}` },
  });
  socket.onAny((name, data) => {
    for (const listener of listeners) listener(name, data || {});
  });
  socket.on("connect", () => document.body.setAttribute("data-live", "connected"));
  socket.on("disconnect", () => document.body.setAttribute("data-live", "disconnected"));
}

export function disconnectLive() {
  if (socket) socket.disconnect();
  socket = null;
  document.body.removeAttribute("data-live");
}

/** Call listener(name, data) for every event whose name starts with one of the prefixes
 * ("task:", "comment:"); answers the function that unsubscribes. */
export function onEvents(prefixes, listener) {
  const wrapped = (name, data) => {
    if (prefixes.some((prefix) => name.startsWith(prefix))) listener(name, data);
  };
  listeners.add(wrapped);
  return () => listeners.delete(wrapped);
}
