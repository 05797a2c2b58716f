// The web UI: a hash router over the views, the session (who is logged in, their context:
// productions, task types and statuses), and the live event stream.
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { get, logOut, probeCookie, session } from "./api.js";
import { connectLive, disconnectLive } from "./live.js";
import { html, Icon, Loading, personName, useLive } from "./views/common.js";
import { LoginView } from "./views/login.js";
import { TasksView } from "./views/tasks.js";
import { TaskView } from "./views/task.js";
import { ReviewView } from "./views/review.js";
import { BreakdownView } from "./views/breakdown.js";
import { NotificationsView } from "./views/notifications.js";
import { SyncView } from "./views/sync.js";

const SUPERVISORS = ["admin", "manager", "supervisor"];

function parseHash() {
  const [path, search = ""] = (location.hash.replace(/^#/, "") || "/tasks").split("?");
  return { parts: path.split("/").filter(Boolean), query: new URLSearchParams(search) };
}

function useRoute() {
  const [route, setRoute] = useState(parseHash());
  useEffect(() => {
    const changed = () => setRoute(parseHash());
    addEventListener("hashchange", changed);
    return () => removeEventListener("hashchange", changed);
  }, []);
  return route;
}

async function loadSession() {
  const me = await get("/auth/authenticated");
  await probeCookie();
  const context = await get("/data/user/context");
  return { user: me.user, context };
}

function App() {
  const route = useRoute();
  const [current, setCurrent] = useState(session.token ? null : false);

  const start = () =>
    loadSession().then(
      (value) => {
        setCurrent(value);
        connectLive();
        if (route.parts[0] === "login") location.hash = "#/tasks";
      },
      () => {
        session.token = null;
        setCurrent(false);
      },
    );
  useEffect(() => {
    session.onExpired = () => {
      session.token = null;
      disconnectLive();
      setCurrent(false);
    };
    if (session.token) start();
  }, []);

  if (current === null) return html`<main class="page"><${Loading} /></main>`;
  if (current === false) return html`<${LoginView} onLoggedIn=${start} />`;
  return html`<${Shell} route=${route} current=${current}
    onLoggedOut=${() => {
      disconnectLive();
      setCurrent(false);
      location.hash = "#/login";
    }} />`;
}

function NavLink({ href, active, children }) {
  return html`<a href=${href} class=${active ? "nav-link active" : "nav-link"}
    aria-current=${active ? "page" : undefined}>${children}</a>`;
}

function Shell({ route, current, onLoggedOut }) {
  const { user, context } = current;
  const [unread, setUnread] = useState(context.notification_count || 0);
  const refreshUnread = () =>
    get("/data/user/notifications").then(
      (items) => setUnread(items.filter((item) => !item.read).length),
      () => {},
    );
  useEffect(refreshUnread, []);
  useLive(["notification:"], refreshUnread);
  const [view, id] = route.parts;
  const firstProject = (context.projects || [])[0];
  const props = { user, context, query: route.query };
  let page;
  if (view === "tasks" && id) page = html`<${TaskView} key=${id} taskId=${id} ...${props} />`;
  else if (view === "review" && id)
    page = html`<${ReviewView} key=${id} previewId=${id} ...${props} />`;
  else if (view === "productions")
    page = html`<${BreakdownView} key=${id}
    projectId=${id || (firstProject && firstProject.id)} ...${props} />`;
  else if (view === "notifications")
    page = html`<${NotificationsView} ...${props}
    onChange=${refreshUnread} />`;
  else if (view === "sync") page = html`<${SyncView} ...${props} />`;
  else page = html`<${TasksView} ...${props} supervisor=${SUPERVISORS.includes(user.role)} />`;

  const logOutClicked = async () => {
    try {
      await logOut();
    } finally {
      onLoggedOut();
    }
  };
  return html`
    <a class="skip-link" href="#main" onClick=${(e) => {
      e.preventDefault();
      document.getElementById("main").focus();
    }}>Skip to content</a>
    <header class="top-bar">
      <span class="brand"><img src="icon.png" alt="" width="22" height="22" /> kitsu-local</span>
      <nav aria-label="Main">
        <${NavLink} href="#/tasks" active=${view === "tasks" || !view}>My tasks</${NavLink}>
        <${NavLink} href=${firstProject ? `#/productions/${firstProject.id}/breakdown` : "#/productions"}
          active=${view === "productions"}>Breakdown</${NavLink}>
        <${NavLink} href="#/notifications" active=${view === "notifications"}>
          <${Icon} name="bell" /> Notifications${
            unread
              ? html` <span class="count"
            aria-label=${`${unread} unread`}>${unread}</span>`
              : ""
          }</${NavLink}>
        ${
          user.role === "admin" &&
          html`<${NavLink} href="#/sync" active=${view === "sync"}>
          <${Icon} name="sync" /> Sync</${NavLink}>`
        }
      </nav>
      <span class="who">
        <span class="live-dot" title="Live updates"></span>
        <span data-testid="user-name">${personName(user)}</span>
        <button type="button" class="secondary" onClick=${logOutClicked}>Log out</button>
      </span>
    </header>
    <main id="main" class="page" tabindex="-1">${page}</main>`;
}

render(html`<${App} />`, document.getElementById("app"));
