// oidc-provider ships no type declarations; the test uses its constructor, callback() and configuration only.
declare module 'oidc-provider';
