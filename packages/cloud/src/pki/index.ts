export { createCA, loadCA, issueCert, randomSerial, CERT_BACKDATE_MS, type CertificateAuthority, type CertKeyPair, type CertUsage, type IssueCertOptions } from './ca.js';
export { createCSR, signCSR, type CreateCSROptions, type SignCSROptions } from './csr.js';
export { derToPem, pemToDer, isPem, exportPrivateKeyPem, importPrivateKeyPem, type PemLabel } from './pem.js';
export { loadOrCreateServerPKI, ADMIN_USER, ADMIN_GROUP, type ServerPKI, type ServerPKIOptions } from './server-pki.js';
export { loadOrCreateServiceAccountKey, SA_KEY_FILE, SA_PUB_FILE, type ServiceAccountKey } from './sa-signing-key.js';
