export * from './app-store';
