/** A unix socket path from a DMI address; KubeEdge configs and MapperInfo.address may carry `unix://` or `unix:`. */
export const unixSocketPath = (address: string): string => address.replace(/^unix:\/\//, '').replace(/^unix:/, '');

/** grpc-js target for a unix socket (path or `unix://` address). */
export const unixTarget = (address: string): string => `unix:${unixSocketPath(address)}`;
