// EdgeCore: EdgeHub, MetaManager/MetaServer and (later) Edged and DeviceTwin. Must never import
// @kedge/cloud: the edge runs on its own machine (the tsconfig references enforce it).
export * from './edgehub/index.js';
export * from './metamanager/index.js';
export * from './metaserver/index.js';
