// The lists Vigie builds from lists/services: one per category (kind "services", file <id>.txt) plus
// the canaries list (kind "canaries", answered NXDOMAIN). Titles and descriptions are shown to
// parents in the admin page, in English and French; defaultOn says which preset turns a list on.
// Kept apart from scripts/build-lists.mjs so the build logic stays short.

export const PRESETS = ['child', 'teen', 'adult', 'unfiltered'];
/** defaultOn per preset, written in the order of PRESETS. */
const on = (child, teen, adult, unfiltered) => ({ child, teen, adult, unfiltered });

/** Names that must get NXDOMAIN (not a sinkhole): Firefox's DoH canary and iCloud Private Relay. */
export const isCanary = (domain) => domain === 'use-application-dns.net' || /^mask[a-z0-9-]*\.icloud\.com$/.test(domain);

/**
 * Every list built from lists/services. A category list is written only when lists/services holds
 * services of that category; `adult` is the category of lists/services/adult.json (kept up by the
 * snapshot tooling, see lists/snapshots/README.md).
 */
export const CATEGORY_LISTS = [
  {
    id: 'anonymous-chat',
    category: 'anonymous-chat',
    action: 'sinkhole',
    title: { en: 'Anonymous chat rooms', fr: 'Tchats anonymes' },
    description: {
      en: 'Chat rooms where anyone can talk to your child under a nickname, with no real age check: Coco (closed by the courts in 2024) and its look-alikes, French "tchat" sites, and anonymous question apps used for bullying.',
      fr: "Salons où n'importe qui peut parler à votre enfant sous un pseudo, sans vraie vérification d'âge : Coco (fermé par la justice en 2024) et ses copies, sites de « tchat », applis de questions anonymes propices au harcèlement.",
    },
    defaultOn: on(true, true, false, false),
  },
  {
    id: 'random-video-chat',
    category: 'random-video-chat',
    action: 'sinkhole',
    title: { en: 'Random video chat', fr: 'Chat vidéo aléatoire' },
    description: {
      en: 'Sites and apps that put your child on camera with a random stranger (Omegle successors, "chat roulettes" and the dozens of look-alike sites run by the same companies). Strangers often show sexual content, and some tools reveal the city of the person in front of them.',
      fr: 'Sites et applis qui mettent votre enfant en caméra face à un inconnu tiré au hasard (successeurs d’Omegle, « chatroulettes » et leurs dizaines de sites jumeaux). Les inconnus y montrent souvent des contenus sexuels, et certains outils révèlent la ville de l’interlocuteur.',
    },
    defaultOn: on(true, true, false, false),
  },
  {
    id: 'teen-meetup',
    category: 'teen-meetup',
    action: 'sinkhole',
    title: { en: 'Teen meetup apps', fr: 'Applis de rencontre pour ados' },
    description: {
      en: '"Make new friends" and swipe apps aimed at teenagers (Yubo, Wizz, Hoop...), where adults can pose as teens. Blocked for children. Left open in the teen preset because the largest ones are built for 13-17 year olds and claim to verify ages (Wizz with a selfie check); switch it on if you prefer your teenager not to meet strangers this way.',
      fr: 'Applis « se faire de nouveaux amis » et de swipe visant les ados (Yubo, Wizz, Hoop…), où des adultes peuvent se faire passer pour des ados. Bloqué pour les enfants. Laissé ouvert dans le profil ado, car les principales sont conçues pour les 13-17 ans et disent vérifier l’âge (Wizz par selfie) ; activez-le si vous préférez que votre ado ne rencontre pas d’inconnus ainsi.',
    },
    defaultOn: on(true, false, false, false),
  },
  {
    id: 'dating',
    category: 'dating',
    action: 'sinkhole',
    title: { en: 'Dating and hookup', fr: 'Sites de rencontre' },
    description: {
      en: 'Dating and hookup services for adults (Tinder, Grindr, Badoo, Meetic...). Minors who lie about their age meet adults there.',
      fr: 'Services de rencontre pour adultes (Tinder, Grindr, Badoo, Meetic…). Des mineurs qui mentent sur leur âge y rencontrent des adultes.',
    },
    defaultOn: on(true, true, false, false),
  },
  {
    id: 'adult',
    category: 'adult',
    action: 'sinkhole',
    title: { en: 'Pornography', fr: 'Pornographie' },
    description: {
      en: 'Pornographic sites and apps: the major services named one by one, plus the large public lists Vigie keeps a snapshot of.',
      fr: 'Sites et applis pornographiques : les principaux services nommés un par un, plus les grandes listes publiques dont Vigie garde une copie.',
    },
    defaultOn: on(true, true, false, false),
  },
  {
    id: 'bypass',
    category: 'bypass',
    action: 'sinkhole',
    title: { en: 'Filter bypass (DNS over HTTPS, VPN, proxies)', fr: 'Contournement du filtre (DNS chiffré, VPN, proxys)' },
    description: {
      en: 'Encrypted DNS services, free VPNs and web proxies that would let a device skip this filter entirely.',
      fr: 'Services de DNS chiffré, VPN gratuits et proxys web qui permettraient à un appareil d’échapper complètement à ce filtre.',
    },
    defaultOn: on(true, true, false, false),
  },
  {
    id: 'bypass-canaries',
    category: 'bypass',
    file: 'canaries.txt',
    kind: 'canaries',
    action: 'nxdomain',
    title: { en: 'Bypass canaries (answered NXDOMAIN)', fr: 'Canaris de contournement (réponse NXDOMAIN)' },
    description: {
      en: 'Names that browsers and phones check before switching to their own encrypted DNS or to iCloud Private Relay; answering "does not exist" makes them keep using this filter. On in every filtered preset.',
      fr: 'Noms que les navigateurs et téléphones testent avant de passer à leur propre DNS chiffré ou au relais privé iCloud ; répondre « n’existe pas » les fait rester sur ce filtre. Actif dans tous les profils filtrés.',
    },
    defaultOn: on(true, true, true, false),
  },
  {
    id: 'social-media',
    category: 'social-media',
    action: 'sinkhole',
    title: { en: 'Social media', fr: 'Réseaux sociaux' },
    description: {
      en: 'TikTok, Instagram, Snapchat, Facebook, X (Twitter), Reddit, Pinterest, Tumblr, BeReal and similar. Off by default: switch it on for a device or a time slot (homework, night).',
      fr: 'TikTok, Instagram, Snapchat, Facebook, X (Twitter), Reddit, Pinterest, Tumblr, BeReal, etc. Désactivé par défaut : activez-le pour un appareil ou un créneau (devoirs, nuit).',
    },
    defaultOn: on(false, false, false, false),
  },
  {
    id: 'messaging',
    category: 'messaging',
    action: 'sinkhole',
    title: { en: 'Messaging apps', fr: 'Messageries' },
    description: {
      en: 'WhatsApp, Messenger, Telegram, Signal, Discord and similar. Off by default so a child can still message family; switch it on only for a time slot or a device.',
      fr: 'WhatsApp, Messenger, Telegram, Signal, Discord, etc. Désactivé par défaut pour qu’un enfant puisse toujours écrire à sa famille ; à activer seulement pour un créneau ou un appareil.',
    },
    defaultOn: on(false, false, false, false),
  },
  {
    id: 'gaming',
    category: 'gaming',
    action: 'sinkhole',
    title: { en: 'Online games', fr: 'Jeux en ligne' },
    description: {
      en: 'Roblox, Fortnite (Epic Games), Minecraft, Steam, PlayStation Network, Xbox Live and similar game platforms. Off by default: useful for homework or night time slots.',
      fr: 'Roblox, Fortnite (Epic Games), Minecraft, Steam, PlayStation Network, Xbox Live et plateformes de jeu similaires. Désactivé par défaut : utile pour les créneaux devoirs ou nuit.',
    },
    defaultOn: on(false, false, false, false),
  },
  {
    id: 'video-streaming',
    category: 'video-streaming',
    action: 'sinkhole',
    title: { en: 'Video and streaming', fr: 'Vidéo et streaming' },
    description: {
      en: 'YouTube, Twitch, Netflix, Disney+, Prime Video and similar. Off by default. Blocking YouTube also removes videos embedded in school sites.',
      fr: 'YouTube, Twitch, Netflix, Disney+, Prime Video, etc. Désactivé par défaut. Bloquer YouTube retire aussi les vidéos intégrées aux sites scolaires.',
    },
    defaultOn: on(false, false, false, false),
  },
];

