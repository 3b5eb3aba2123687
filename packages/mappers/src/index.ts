// The mapper SDK and the protocol mappers shipped with kedge (issue 5).
export {};
