import type { App } from '../api/types';
import { navigate } from '../lib/router';

interface AppSwitcherProps {
  apps: App[];
  appId: string | null;
}

/** A plain select: keyboard, screen readers and phones all handle it natively. */
export function AppSwitcher({ apps, appId }: AppSwitcherProps) {
  const known = apps.some((app) => app.id === appId);

  return (
    <div className="app-switcher">
      <label htmlFor="app-switcher">App</label>
      <select
        id="app-switcher"
        value={appId ?? ''}
        onChange={(event) => navigate({ name: 'segments', appId: event.target.value })}
        disabled={apps.length === 0}
      >
        {!known && <option value={appId ?? ''}>{appId ? appId : 'No app yet'}</option>}
        {apps.map((app) => (
          <option key={app.id} value={app.id}>
            {app.name}
          </option>
        ))}
      </select>
    </div>
  );
}
