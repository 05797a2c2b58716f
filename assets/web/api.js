// The JSON API gazu uses (/api/...), with the session's token and Zou's error shape
// ({"error": true, "message": ...}). The login also sets the session cookies, which is what
// lets <img> and <video> load the previews.
const TOKEN_KEY = "kitsu-local.access-token";
const API = "/api";

export class ApiError extends Error {
  constructor(status, body) {
    super((body && (body.message || body.msg)) || `Request failed (${status})`);
    this.status = status;
    this.body = body || {};
  }
}

/** Whether the session cookies came with the login: the server sets them only for the agents it
 * takes for a browser (Zou's rule), and some embedded web views are not. Without them, media are
 * fetched with the token and shown from blob URLs (see useMediaSrc). */
export const media = { cookie: true };

export async function probeCookie() {
  const response = await fetch(`${API}/auth/authenticated`, { credentials: "same-origin" });
  media.cookie = response.ok;
}

export const session = {
  get token() {
    return localStorage.getItem(TOKEN_KEY);
  },
  set token(value) {
    if (value) localStorage.setItem(TOKEN_KEY, value);
    else localStorage.removeItem(TOKEN_KEY);
  },
  onExpired: () => {},
};

function headers(json) {
  const result = {};
  if (session.token) result.Authorization = `Bearer ${session.token}`;
  if (json) result["Content-Type"] = "application/json";
  return result;
}

async function answer(response) {
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = { message: text };
  }
  if (!response.ok || (body && body.error === true)) {
    if (response.status === 401 && session.token) session.onExpired();
    throw new ApiError(response.status, body);
  }
  return body;
}

export async function request(method, path, body) {
  const json = body !== undefined && !(body instanceof FormData);
  const response = await fetch(API + path, {
    method,
    headers: headers(json),
    body: json ? JSON.stringify(body) : body,
    credentials: "same-origin",
  });
  return answer(response);
}

export const get = (path) => request("GET", path);
export const post = (path, body = {}) => request("POST", path, body);
export const put = (path, body = {}) => request("PUT", path, body);
export const del = (path) => request("DELETE", path);

/** A multipart upload with progress (fetch has none): onProgress(fraction 0..1). */
export function upload(path, formData, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", API + path);
    if (session.token) xhr.setRequestHeader("Authorization", `Bearer ${session.token}`);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && onProgress) onProgress(event.loaded / event.total);
    };
    xhr.onerror = () => reject(new ApiError(0, { message: "The server could not be reached." }));
    xhr.onload = () => {
      let body = null;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        body = { message: xhr.responseText };
      }
      if (xhr.status >= 400) reject(new ApiError(xhr.status, body));
      else resolve(body);
    };
    xhr.send(formData);
  });
}

/** POST /auth/login. Answers the login body, or throws an ApiError whose body says which second
 * factor is missing (missing_OTP, two_factor_authentication_enabled) or that it was wrong. */
export async function logIn(email, password, factors = {}) {
  const body = await post("/auth/login", { email, password, ...factors });
  session.token = body.access_token;
  await probeCookie();
  return body;
}

export async function logOut() {
  try {
    await get("/auth/logout");
  } finally {
    session.token = null;
  }
}

/** A blob URL of a media file fetched with the token (when the cookie is missing). */
export async function mediaBlobUrl(url) {
  const response = await fetch(url, { headers: headers(false) });
  if (!response.ok) throw new ApiError(response.status, { message: `Cannot load ${url}` });
  return URL.createObjectURL(await response.blob());
}

export const mediaUrl = {
  thumbnail: (id) => `${API}/pictures/thumbnails/preview-files/${id}.png`,
  picture: (id) => `${API}/pictures/previews/preview-files/${id}.png`,
  original: (id, extension) => `${API}/pictures/originals/preview-files/${id}.${extension}`,
  movie: (id) => `${API}/movies/originals/preview-files/${id}.mp4`,
  tiles: (id) => `${API}/movies/tiles/preview-files/${id}.png`,
  attachment: (id, name) => `${API}/data/attachment-files/${id}/file/${encodeURIComponent(name)}`,
};
