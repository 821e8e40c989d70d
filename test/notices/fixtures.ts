import { draftInputSchema, type DraftInput, type DraftInputIn } from '../../src/notices/draft-input.js';

/**
 * The Pajemploi breach of 31 March 2020 (docs/incidents.md, A): a misconfigured cache showed
 * users other users' data; the site was in maintenance 11:45–15:15 Europe/Paris (CEST, UTC+02:00).
 * The exact count stands for what the exposure snapshot of the access log gives.
 */
export const pajemploiPeople = 2187;

export const pajemploiInput = (overrides: (input: DraftInputIn) => void = () => {}): DraftInput => {
  const input: DraftInputIn = {
    organisation: {
      name: 'Urssaf — Pajemploi',
      siren: '794107979',
      sector: 'Administration publique (sécurité sociale)',
      legalRepresentative: 'Directeur de l’Acoss',
      contact: { name: 'Cellule incidents', email: 'incidents@pajemploi.example' },
      noticeUrl: 'https://pajemploi.example/incident',
    },
    dpo: { name: 'DPO de l’Acoss', email: 'dpo@acoss.example', phone: '+33 1 00 00 00 00' },
    breach: {
      id: 'BR-2020-0331',
      summary: 'Un système de stockage temporaire (cache) mal configuré a affiché à des utilisateurs du portail les données personnelles d’autres utilisateurs (assistantes maternelles et parents employeurs).',
      status: 'established',
      natures: ['confidentiality'],
      origins: ['wrong-person-on-portal'],
      causes: ['internal-accidental'],
      awareAt: '2020-03-31T08:30:00Z',
      discoveredAt: '2020-03-31T08:10:00Z',
      startedAt: '2020-03-31T06:40:00Z',
      endedAt: '2020-03-31T09:45:00Z',
      ongoing: false,
      circumstances: 'Signalements d’utilisateurs le matin, confirmés par le contrôle du journal d’accès.',
      timeline: [
        { at: '2020-03-31T13:15:00Z', label: 'Fin de la maintenance, cache corrigé' },
        { at: '2020-03-31T09:45:00Z', label: 'Site mis en maintenance' },
      ],
      personCategories: ['users', 'employees'],
      people: { count: pajemploiPeople, exact: true, directlyIdentifiable: true },
      dataCategories: ['civil-status', 'contact', 'financial'],
      dataMedia: ['server'],
      consequences: ['loss-of-control', 'fraud'],
      measures: {
        immediate: ['Mise en maintenance du site de 11:45 à 15:15', 'Correction de la configuration du cache'],
        mediumTerm: ['Contrôle automatique : chaque réponse est vérifiée contre le destinataire'],
      },
      adviceToPeople: ['Méfiez-vous des messages qui utiliseraient ces informations pour vous demander des données bancaires.'],
      peopleInformed: 'will-be',
    },
  };
  overrides(input);
  return draftInputSchema.parse(input);
};

/** 31 March 2020, 18:00 Europe/Paris: the DPO writes the initial notification the same day. */
export const sameDay = new Date('2020-03-31T16:00:00Z');
