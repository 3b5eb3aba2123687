export * from './event-bus.js';
export { startBroker, BrokerListenError, type EmbeddedBroker, type BrokerOptions } from './broker.js';
