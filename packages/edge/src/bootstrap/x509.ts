// @peculiar/x509 resolves its ASN.1 schemas through tsyringe, which needs the reflect-metadata
// polyfill loaded first. Only the tests use it (test PKI); import it from here, not directly.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export { x509, webcrypto };
