import { useCallback, useMemo, useState } from 'react';
import { ApiContext } from './api/api-context';
import { ApiClient } from './api/client';
import { SignIn } from './pages/sign-in';
import { Shell } from './components/shell';
import { forgetSession, readToken, saveToken } from './lib/session';

/** Signs in with the admin token, then shows the dashboard until a 401 or sign-out. */
export function App() {
  const [token, setToken] = useState<string | null>(readToken);
  const [notice, setNotice] = useState<string | null>(null);

  const signOut = useCallback((reason: string | null) => {
    forgetSession();
    setNotice(reason);
    setToken(null);
  }, []);

  const client = useMemo(
    () =>
      token
        ? new ApiClient(token, () => signOut('The admin token was refused. Sign in again.'))
        : null,
    [token, signOut],
  );

  const signIn = useCallback((accepted: string) => {
    saveToken(accepted);
    setNotice(null);
    setToken(accepted);
  }, []);

  if (!client) return <SignIn notice={notice} onSignedIn={signIn} />;

  return (
    <ApiContext.Provider value={client}>
      <Shell onSignOut={() => signOut(null)} />
    </ApiContext.Provider>
  );
}
