// Apart from catalog.ts so that deps.ts can name it without importing the feature (which imports deps.ts).
/** Playbook files by name ("wrong-user-data.yaml" → its text): the bundled ones, or an organisation's (VIGIE_PLAYBOOKS_DIR). */
export type PlaybookFiles = Record<string, string>;
