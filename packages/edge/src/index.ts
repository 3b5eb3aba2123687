// EdgeCore: EdgeHub, MetaManager/MetaServer and (later) Edged and DeviceTwin. Must never import
// @kedge/cloud: the edge runs on its own machine (the tsconfig references enforce it).
export {};
