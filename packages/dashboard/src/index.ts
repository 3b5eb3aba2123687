// The kedge web dashboard: assets and the server-side handler the cloud mounts (issue 6).
export { createDashboard, type Dashboard, type DashboardAuthenticator, type DashboardOptions } from './dashboard.js';
export { FleetTracker, type FleetNode, type FleetTrackerOptions, type HubView, type Segment } from './fleet-tracker.js';
export { CSP, contentType, resolveAsset, type StaticRoots } from './static-files.js';
