// Log in: e-mail and password, then the second factor the server asks for (TOTP, a code sent
// by e-mail, or a recovery code) when the account has two-factor authentication.
import { useEffect, useRef, useState } from "preact/hooks";
import { get, logIn } from "../api.js";
import { ErrorNote, html } from "./common.js";

const FACTORS = {
  totp: { label: "Authenticator app code", field: "totp" },
  email_otp: { label: "Code sent by e-mail", field: "email_otp" },
  recovery_code: { label: "Recovery code", field: "recovery_code" },
};

export function LoginView({ onLoggedIn }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [methods, setMethods] = useState(null); // second factors offered, once asked for
  const [method, setMethod] = useState(null);
  const [code, setCode] = useState("");
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState("");
  const [busy, setBusy] = useState(false);
  const first = useRef(null); // the field to type in first: e-mail, then the code
  useEffect(() => first.current && first.current.focus(), [methods]);

  const chooseMethod = async (name) => {
    setMethod(name);
    setCode("");
    setNotice("");
    if (name === "email_otp") {
      try {
        await get(`/auth/email-otp?email=${encodeURIComponent(email)}`);
        setNotice("A code was sent to your e-mail address.");
      } catch (problem) {
        setError(problem);
      }
    }
  };

  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const factors = method ? { [FACTORS[method].field]: code.trim() } : {};
      await logIn(email.trim(), password, factors);
      location.hash = "#/tasks";
      onLoggedIn();
    } catch (problem) {
      const body = problem.body || {};
      if (body.missing_OTP) {
        const enabled = body.two_factor_authentication_enabled || [];
        const offered = Object.keys(FACTORS).filter((name) => enabled.includes(name));
        setMethods(offered);
        const preferred = body.preferred_two_factor_authentication;
        chooseMethod(offered.includes(preferred) ? preferred : offered[0]);
      } else if (body.default_password) {
        setError(
          new Error("This account still has its default password: ask an admin to set one."),
        );
      } else {
        setError(body.wrong_OTP ? new Error("That code is not valid.") : problem);
      }
    } finally {
      setBusy(false);
    }
  };

  return html`
    <main class="login-page">
      <form class="card login-card" onSubmit=${submit} aria-labelledby="login-title">
        <h1 id="login-title"><img src="icon.png" alt="" width="32" height="32" /> kitsu-local</h1>
        ${
          !methods &&
          html`
          <label>E-mail <input type="email" name="email" autocomplete="username" required
            value=${email} onInput=${(e) => setEmail(e.target.value)} ref=${first} /></label>
          <label>Password <input type="password" name="password" required
            autocomplete="current-password" value=${password}
            onInput=${(e) => setPassword(e.target.value)} /></label>`
        }
        ${
          methods &&
          html`
          <fieldset class="factor-choice">
            <legend>Two-factor authentication</legend>
            ${methods.map(
              (name) => html`<label class="inline">
              <input type="radio" name="factor" checked=${method === name}
                onChange=${() => chooseMethod(name)} /> ${FACTORS[name].label}</label>`,
            )}
          </fieldset>
          ${notice && html`<p class="muted">${notice}</p>`}
          <label>${method && FACTORS[method].label}
            <input name="code" autocomplete="one-time-code" required value=${code}
              onInput=${(e) => setCode(e.target.value)} ref=${first} /></label>`
        }
        <${ErrorNote} error=${error} />
        <div class="actions">
          ${
            methods &&
            html`<button type="button" class="secondary"
            onClick=${() => {
              setMethods(null);
              setMethod(null);
              setError(null);
            }}>Back</button>`
          }
          <button type="submit" disabled=${busy}>${busy ? "Logging in…" : "Log in"}</button>
        </div>
      </form>
    </main>`;
}
