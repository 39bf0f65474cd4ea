// The source fence on files and on addresses that need no network: file roots judged on
// real paths, query and fragment refused, and the address classes of literal hosts.
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FetchError } from '../../src/sources/errors.ts';
import { readUrl } from '../../src/sources/fetch.ts';
import { SourceFence } from '../../src/sources/fence.ts';
import { fetchManifestBundle } from '../../src/sources/manifest-url.ts';
import { MemoryManifestCache, renderDigest, renderManifests } from '../../src/sources/render.ts';

const NAMESPACE = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: inside}\n';
let base: string;
let root: string;
let outside: string;
let fence: SourceFence;
const fileUrl = (p: string) => pathToFileURL(p).href;

beforeAll(async () => {
  // realpath: the temp directory itself may sit behind a symbolic link (macOS /var → /private/var).
  base = await realpath(await mkdtemp(path.join(tmpdir(), 'om-fence-')));
  root = path.join(base, 'root');
  outside = path.join(base, 'outside');
  await mkdir(path.join(root, 'op'), { recursive: true });
  await mkdir(outside);
  await writeFile(path.join(root, 'op', 'v1.0.0.yaml'), NAMESPACE);
  await writeFile(path.join(outside, 'secret.yaml'), 'apiVersion: v1\nkind: Secret\nmetadata: {name: stolen}\n');
  await symlink(path.join(outside, 'secret.yaml'), path.join(root, 'op', 'escape.yaml'));
  await symlink(outside, path.join(root, 'elsewhere'));
  await symlink(path.join(root, 'op', 'v1.0.0.yaml'), path.join(root, 'op', 'latest.yaml'));
  await symlink(root, path.join(base, 'root-link'));
  fence = new SourceFence({ fileRoots: [root], allowedUrlPrefixes: [], allowPrivateNetworks: true });
});
afterAll(() => rm(base, { recursive: true, force: true }));

describe('file:// sources', () => {
  it('reads a file under a root, also through a symbolic link that stays inside', async () => {
    expect(fence.checkUrl(fileUrl(path.join(root, 'op', 'v1.0.0.yaml')))).toBeUndefined();
    expect((await readUrl(fileUrl(path.join(root, 'op', 'latest.yaml')), { fence })).toString()).toBe(NAMESPACE);
    const { text } = await fetchManifestBundle(`${fileUrl(path.join(root, 'op'))}/{version}.yaml`, 'v1.0.0', { fence });
    expect(text).toBe(NAMESPACE);
  });

  it('accepts a root given through a symbolic link', async () => {
    const linked = new SourceFence({ fileRoots: [path.join(base, 'root-link')], allowedUrlPrefixes: [], allowPrivateNetworks: false });
    expect((await readUrl(fileUrl(path.join(root, 'op', 'v1.0.0.yaml')), { fence: linked })).toString()).toBe(NAMESPACE);
    expect((await readUrl(fileUrl(path.join(base, 'root-link', 'op', 'v1.0.0.yaml')), { fence: linked })).toString()).toBe(NAMESPACE);
  });

  it('refuses a file outside the roots, naming the setting and the roots', async () => {
    const expected = `file:///etc/passwd is outside SOURCE_FILE_ROOTS (${root})`;
    expect(fence.checkUrl('file:///etc/passwd')).toBe(expected);
    await expect(readUrl('file:///etc/passwd', { fence })).rejects.toThrow(new FetchError(`file:///etc/passwd: ${expected}`, 'file:///etc/passwd'));
  });

  it.each([
    ['..', (r: string) => `file://${r}/op/../../outside/secret.yaml`],
    ['encoded ..', (r: string) => `file://${r}/op/%2e%2e/%2E%2E/outside/secret.yaml`],
  ])('refuses a %s escape from a root', async (_what, url) => {
    const target = url(root);
    expect(fence.checkUrl(target)).toBe(`${fileUrl(path.join(outside, 'secret.yaml'))} is outside SOURCE_FILE_ROOTS (${root})`);
    await expect(readUrl(target, { fence })).rejects.toThrow(/is outside SOURCE_FILE_ROOTS/);
  });

  it('refuses a symbolic link inside a root that points outside, file or directory', async () => {
    const escaping = fileUrl(path.join(root, 'op', 'escape.yaml'));
    expect(fence.checkUrl(escaping)).toBe(`${escaping} leads outside SOURCE_FILE_ROOTS (${root}) through a symbolic link`);
    await expect(readUrl(escaping, { fence })).rejects.toThrow(`${escaping}: ${escaping} leads outside SOURCE_FILE_ROOTS (${root}) through a symbolic link`);
    // A template into a linked directory is refused before any version exists there.
    expect(fence.checkUrl(fileUrl(path.join(root, 'elsewhere', 'v9.9.9.yaml')))).toMatch(/leads outside SOURCE_FILE_ROOTS .* through a symbolic link$/);
    await expect(readUrl(fileUrl(path.join(root, 'elsewhere', 'secret.yaml')), { fence })).rejects.toThrow(/through a symbolic link$/);
  });

  it.each([
    ['a query', '?v=1'],
    ['a fragment', '#v1'],
  ])('refuses %s on a file URL, even for a file inside a root', async (_what, suffix) => {
    const url = `${fileUrl(path.join(root, 'op', 'v1.0.0.yaml'))}${suffix}`;
    const problem = fence.checkUrl(url);
    expect(problem).toMatch(/has a query or fragment, which a file:\/\/ URL cannot carry/);
    expect(problem).not.toContain(suffix); // shown as ?… / #…
    await expect(readUrl(url, { fence })).rejects.toThrow(/cannot carry/);
  });

  it('reports the query and the roots together for a file outside them', () => {
    expect(fence.checkUrl('file:///etc/passwd?v=0.0.0')).toBe(
      `file:///etc/passwd?… has a query or fragment, which a file:// URL cannot carry (the file would be read without it); file:///etc/passwd is outside SOURCE_FILE_ROOTS (${root})`,
    );
  });

  it('still reports a missing file inside a root as missing', async () => {
    const missing = fileUrl(path.join(root, 'op', 'v2.0.0.yaml'));
    expect(fence.checkUrl(missing)).toBeUndefined();
    await expect(readUrl(missing, { fence })).rejects.toThrow(`${missing}: file not found`);
  });

  it('allows no file at all with no roots', () => {
    const none = new SourceFence({ fileRoots: [], allowedUrlPrefixes: [], allowPrivateNetworks: true });
    expect(none.checkUrl(fileUrl(path.join(root, 'op', 'v1.0.0.yaml')))).toMatch(/is outside SOURCE_FILE_ROOTS \(none configured\)$/);
  });

  it('does not render from the cache a source the fence refuses today', async () => {
    const operator = { name: 'old', namespace: 'old', manifestUrlTemplate: 'file:///etc/{version}/passwd' };
    const cache = new MemoryManifestCache();
    const digest = renderDigest({ type: 'url', template: operator.manifestUrlTemplate }, '1.0.0');
    await cache.put({ digest, operatorName: 'old', version: '1.0.0', manifests: NAMESPACE });
    await expect(renderManifests({ operator, version: '1.0.0', fence, cache })).rejects.toThrow(
      `old 1.0.0: manifest URL file:///etc/1.0.0/passwd refused: file:///etc/1.0.0/passwd is outside SOURCE_FILE_ROOTS (${root})`,
    );
    // The same cache entry is used once the source is allowed.
    const open = new SourceFence({ fileRoots: ['/etc'], allowedUrlPrefixes: [], allowPrivateNetworks: true });
    expect((await renderManifests({ operator, version: '1.0.0', fence: open, cache })).fromCache).toBe(true);
  });
});

describe('literal addresses', () => {
  const strict = new SourceFence({ fileRoots: [], allowedUrlPrefixes: [], allowPrivateNetworks: false });
  const relaxed = new SourceFence({ fileRoots: [], allowedUrlPrefixes: [], allowPrivateNetworks: true });

  it.each([
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254 is a link-local/cloud-metadata address, refused'],
    ['http://[fe80::1]/', 'fe80::1 is a link-local/cloud-metadata address, refused'],
    ['http://[fd00:ec2::254]/latest/', 'fd00:ec2::254 is a link-local/cloud-metadata address, refused'],
    ['http://[::ffff:169.254.169.254]/', '::ffff:a9fe:a9fe is an IPv4-mapped form of 169.254.169.254, a link-local/cloud-metadata address, refused'],
    ['http://[64:ff9b::a9fe:a9fe]/', '64:ff9b::a9fe:a9fe is an IPv6 form of 169.254.169.254, a link-local/cloud-metadata address, refused'],
    ['http://[::169.254.169.254]/', '::a9fe:a9fe is an IPv6 form of 169.254.169.254, a link-local/cloud-metadata address, refused'],
    ['http://0.0.0.0:8080/', '0.0.0.0 is an unspecified address, refused'],
    ['http://[::]/', ':: is an unspecified address, refused'],
    ['http://0x7f000001:99/', undefined], // 127.0.0.1: private, allowed here
  ])('always refuses %s, even with private networks allowed', (url, problem) => {
    expect(relaxed.checkUrl(url)).toBe(problem);
  });

  it.each([
    ['http://127.0.0.1:4000/', '127.0.0.1 is a loopback address'],
    ['http://[::1]/', '::1 is a loopback address'],
    ['http://[::ffff:127.0.0.1]/', '::ffff:7f00:1 is an IPv4-mapped form of 127.0.0.1, a loopback address'],
    ['http://10.1.2.3/', '10.1.2.3 is a private-network address'],
    ['http://172.20.0.1/', '172.20.0.1 is a private-network address'],
    ['http://192.168.1.10/', '192.168.1.10 is a private-network address'],
    ['http://100.100.100.200/', '100.100.100.200 is a carrier-grade NAT (100.64.0.0/10) address'],
    ['http://[fd12:3456::1]/', 'fd12:3456::1 is a unique-local (private) address'],
    ['http://localhost:4000/', 'localhost is a loopback name'],
  ])('refuses %s without private networks, allows it with them', (url, problem) => {
    expect(strict.checkUrl(url)).toBe(
      `${problem}, refused (loopback and private networks need SOURCE_ALLOW_PRIVATE_NETWORKS=true; it defaults to false when NODE_ENV=production)`,
    );
    expect(relaxed.checkUrl(url)).toBeUndefined();
  });

  it.each(['https://github.com/o/p/releases/download/v1/bundle.yaml', 'http://93.184.216.34/x', 'http://[2606:4700::1111]/'])(
    'lets the public %s through',
    (url) => {
      expect(strict.checkUrl(url)).toBeUndefined();
    },
  );

  it.each([
    ['ftp://example.com/x.yaml', 'ftp:// URLs are not read (use http://, https:// or file://)'],
    ['https://user:pw@charts.example.com/', 'URLs with credentials (user:password@) are not used'],
    ['not a url', 'is not an absolute URL'],
  ])('refuses %s', (url, problem) => {
    expect(strict.checkUrl(url)).toBe(problem);
  });

  it('lets a metadata host through only when a URL prefix names it, and only that host', () => {
    const named = new SourceFence({ fileRoots: [], allowedUrlPrefixes: ['http://169.254.169.254/latest/'], allowPrivateNetworks: false });
    expect(named.checkUrl('http://169.254.169.254/latest/meta-data/')).toBeUndefined();
    expect(named.checkUrl('http://169.254.169.254/other')).toMatch(/does not start with any SOURCE_ALLOWED_URL_PREFIXES entry/);
    expect(named.checkUrl('http://[::ffff:169.254.169.254]/latest/')).toMatch(/does not start with any SOURCE_ALLOWED_URL_PREFIXES entry/);
    expect(named.checkAddress('other.example', '169.254.170.2')).toBe('other.example resolves to 169.254.170.2, a link-local/cloud-metadata address, refused');
    expect(named.checkAddress('169.254.169.254', '169.254.169.254')).toBeUndefined();
  });

  it('refuses URLs outside the prefixes, showing the origin only', () => {
    const listed = new SourceFence({
      fileRoots: [],
      allowedUrlPrefixes: ['https://charts.example.com', 'https://github.com/acme/'],
      allowPrivateNetworks: false,
    });
    expect(listed.settings.allowedUrlPrefixes).toEqual(['https://charts.example.com/', 'https://github.com/acme/']);
    expect(listed.checkUrl('https://charts.example.com/stable/index.yaml')).toBeUndefined();
    expect(listed.checkUrl('https://github.com/acme/op/releases/download/v1/x.yaml')).toBeUndefined();
    expect(listed.checkUrl('https://charts.example.com.evil.example/index.yaml')).toBe(
      'https://charts.example.com.evil.example/… does not start with any SOURCE_ALLOWED_URL_PREFIXES entry (https://charts.example.com/, https://github.com/acme/)',
    );
    expect(listed.checkUrl('https://github.com/other/secret-token-in-path')).not.toContain('secret-token');
  });
});
