import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { unixSocketPath, unixTarget } from './socket.js';

describe('DMI socket addresses', () => {
  it('strips unix:// and unix: and leaves a bare path alone', () => {
    assert.equal(unixSocketPath('unix:///etc/kubeedge/dmi.sock'), '/etc/kubeedge/dmi.sock');
    assert.equal(unixSocketPath('unix:/run/m.sock'), '/run/m.sock');
    assert.equal(unixSocketPath('/run/m.sock'), '/run/m.sock');
  });
  it('gives grpc-js unix: targets', () => {
    assert.equal(unixTarget('unix:///etc/kubeedge/dmi.sock'), 'unix:/etc/kubeedge/dmi.sock');
    assert.equal(unixTarget('/run/m.sock'), 'unix:/run/m.sock');
  });
});
