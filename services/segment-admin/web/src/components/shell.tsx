import { useCallback, useEffect, useState } from 'react';
import { useApi } from '../api/api-context';
import { ApiError, isAbort } from '../api/api-error';
import type { App } from '../api/types';
import { hrefOf, navigate, useRoute, type Route } from '../lib/router';
import { readLastApp, saveLastApp } from '../lib/session';
import { SegmentFormPage } from '../pages/segment-form-page';
import { SegmentPage } from '../pages/segment-page';
import { SegmentsPage } from '../pages/segments-page';
import { AppSwitcher } from './app-switcher';
import { CreateAppDialog } from './create-app-dialog';
import { SegmentIcon } from './icons';

interface ShellProps {
  onSignOut: () => void;
}

function useApps() {
  const api = useApi();
  const [apps, setApps] = useState<App[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    api
      .listApps(controller.signal)
      .then(setApps)
      .catch((failure: unknown) => {
        if (isAbort(failure)) return;
        setError(failure instanceof ApiError ? failure.message : 'Apps could not be loaded.');
      });

    return () => controller.abort();
  }, [api]);

  const add = useCallback((app: App) => setApps((list) => [...(list ?? []), app]), []);

  return { apps, error, add };
}

/** Sends the home route to the app used last, or the first one. */
function useHomeRedirect(route: Route, apps: App[] | null) {
  useEffect(() => {
    if (route.name !== 'home' || !apps?.length) return;

    const last = readLastApp();
    const app = apps.find((candidate) => candidate.id === last) ?? apps[0];
    if (app) navigate({ name: 'segments', appId: app.id });
  }, [route, apps]);
}

/** The frame around every page: left panel, top bar with the app switcher, and the content. */
export function Shell({ onSignOut }: ShellProps) {
  const route = useRoute();
  const { apps, error, add } = useApps();
  const [creatingApp, setCreatingApp] = useState(false);
  const appId = route.name === 'home' ? null : route.appId;

  useHomeRedirect(route, apps);
  useEffect(() => {
    if (appId) saveLastApp(appId);
  }, [appId]);

  const onAppCreated = (app: App) => {
    add({ id: app.id, name: app.name });
    navigate({ name: 'segments', appId: app.id });
  };

  return (
    <div className="layout">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <nav className="sidebar" aria-label="Main">
        <span className="brand">Audience</span>
        {appId && (
          <a
            className="nav-link"
            href={hrefOf({ name: 'segments', appId })}
            aria-current={route.name === 'segments' ? 'page' : undefined}
            data-testid="nav-segments"
          >
            <SegmentIcon />
            <span>User Segments</span>
          </a>
        )}
      </nav>
      <div className="main-column">
        <header className="topbar">
          <AppSwitcher apps={apps ?? []} appId={appId} />
          <button type="button" className="button" onClick={() => setCreatingApp(true)}>
            New app
          </button>
          <button type="button" className="button subtle sign-out" onClick={onSignOut}>
            Sign out
          </button>
        </header>
        <main id="main" tabIndex={-1}>
          {error && (
            <p className="error-banner" role="alert">
              {error}
            </p>
          )}
          <Page route={route} apps={apps} onCreateApp={() => setCreatingApp(true)} />
        </main>
      </div>
      {creatingApp && (
        <CreateAppDialog onCreated={onAppCreated} onClose={() => setCreatingApp(false)} />
      )}
    </div>
  );
}

interface PageProps {
  route: Route;
  apps: App[] | null;
  onCreateApp: () => void;
}

function Page({ route, apps, onCreateApp }: PageProps) {
  switch (route.name) {
    case 'home':
      return <Home apps={apps} onCreateApp={onCreateApp} />;
    case 'segments':
      return <SegmentsPage key={route.appId} appId={route.appId} />;
    case 'new-segment':
      return <SegmentFormPage key={route.appId} appId={route.appId} segmentId={null} />;
    case 'edit-segment':
      return <SegmentFormPage key={route.segmentId} {...route} />;
    case 'segment':
      return <SegmentPage key={route.segmentId} appId={route.appId} segmentId={route.segmentId} />;
  }
}

function Home({ apps, onCreateApp }: { apps: App[] | null; onCreateApp: () => void }) {
  if (apps === null) return <p className="muted">Loading apps…</p>;
  if (apps.length > 0) return <p className="muted">Opening your app…</p>;

  return (
    <section className="empty-state" data-testid="no-apps">
      <h1>Create your first app</h1>
      <p>An app has its own users, segments and write key for the mobile SDK.</p>
      <button type="button" className="button primary" onClick={onCreateApp}>
        Create an app
      </button>
    </section>
  );
}
