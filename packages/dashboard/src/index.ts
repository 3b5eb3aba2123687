// The kedge web dashboard: assets and the server-side handler the cloud mounts (issue 6).
export {};
