import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/api-error';
import { ApiClient } from '../api/client';

interface SignInProps {
  notice: string | null;
  onSignedIn: (token: string) => void;
}

function messageFor(error: unknown): string {
  if (error instanceof ApiError && error.status === 401) return 'That token was refused.';
  if (error instanceof ApiError) return error.message;

  return 'Sign-in failed. Try again.';
}

/** Asks for the admin token once per browser session and checks it before keeping it. */
export function SignIn({ notice, onSignedIn }: SignInProps) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const candidate = token.trim();
    if (!candidate) {
      setError('Enter the admin token.');
      return;
    }

    setBusy(true);
    setError(null);
    try {
      await new ApiClient(candidate).listApps();
      onSignedIn(candidate);
    } catch (failure) {
      setError(messageFor(failure));
      setBusy(false);
    }
  };

  return (
    <main className="sign-in">
      <form className="card sign-in-card" onSubmit={submit} noValidate data-testid="sign-in-form">
        <h1>Audience</h1>
        <p className="muted">Sign in with the admin token of this installation.</p>
        {notice && (
          <p className="notice" role="status">
            {notice}
          </p>
        )}
        <label htmlFor="admin-token">Admin token</label>
        <input
          id="admin-token"
          type="password"
          autoComplete="current-password"
          value={token}
          onChange={(event) => setToken(event.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'admin-token-error' : undefined}
          autoFocus
        />
        {error && (
          <p id="admin-token-error" className="field-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
