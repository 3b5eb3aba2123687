export { decodeK8sProtobuf, K8S_PROTOBUF_MAGIC, k8sProtoRoot } from './decode.js';
