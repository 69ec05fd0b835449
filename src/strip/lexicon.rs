//! Word lists the strip rules use to recognise kinds of chrome: month and weekday names,
//! relative-time units, metadata labels, widget headers, comment-form words, byline
//! prepositions. Lowercase; several languages each. These name *kinds* of line (a date, a
//! label), never a sentence of any one site.

/// Month names and common abbreviations (en, es, fr, de, it, pt, nl, ru, tr, id).
pub const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "setiembre",
    "octubre",
    "noviembre",
    "diciembre",
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
    "januar",
    "februar",
    "märz",
    "juni",
    "juli",
    "oktober",
    "dezember",
    "gennaio",
    "febbraio",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "settembre",
    "ottobre",
    "dicembre",
    "janeiro",
    "fevereiro",
    "março",
    "maio",
    "junho",
    "julho",
    "setembro",
    "outubro",
    "novembro",
    "dezembro",
    "januari",
    "februari",
    "maart",
    "mei",
    "augustus",
    "januar",
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
    "ocak",
    "şubat",
    "mart",
    "nisan",
    "mayıs",
    "haziran",
    "temmuz",
    "ağustos",
    "eylül",
    "ekim",
    "kasım",
    "aralık",
    "agustus",
    "desember",
    "okt",
    "dez",
    "mrt",
    "ene",
    "abr",
    "ago",
    "dic",
    "fév",
    "avr",
    "juil",
    "déc",
];

/// Weekday names and abbreviations.
pub const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mon",
    "tue",
    "tues",
    "wed",
    "thu",
    "thur",
    "thurs",
    "fri",
    "sat",
    "sun",
    "lunes",
    "martes",
    "miércoles",
    "jueves",
    "viernes",
    "sábado",
    "domingo",
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
    "samedi",
    "dimanche",
    "montag",
    "dienstag",
    "mittwoch",
    "donnerstag",
    "freitag",
    "samstag",
    "sonntag",
    "lunedì",
    "martedì",
    "mercoledì",
    "giovedì",
    "venerdì",
    "sabato",
    "domenica",
    "segunda",
    "terça",
    "quarta",
    "quinta",
    "sexta",
    "понедельник",
    "вторник",
    "среда",
    "четверг",
    "пятница",
    "суббота",
    "воскресенье",
];

/// Units and words of relative time ("13 hours ago", "vor 3 Stunden", "hace 2 días").
pub const RELATIVE: &[&str] = &[
    "ago",
    "second",
    "seconds",
    "sec",
    "secs",
    "minute",
    "minutes",
    "min",
    "mins",
    "hour",
    "hours",
    "hr",
    "hrs",
    "day",
    "days",
    "week",
    "weeks",
    "month",
    "months",
    "year",
    "years",
    "yesterday",
    "today",
    "now",
    "just",
    "hace",
    "segundos",
    "minutos",
    "hora",
    "horas",
    "día",
    "días",
    "semana",
    "semanas",
    "mes",
    "meses",
    "año",
    "años",
    "ayer",
    "hoy",
    "il",
    "y",
    "a",
    "heure",
    "heures",
    "jour",
    "jours",
    "semaines",
    "mois",
    "an",
    "ans",
    "hier",
    "aujourd'hui",
    "vor",
    "sekunden",
    "minuten",
    "stunde",
    "stunden",
    "tag",
    "tagen",
    "woche",
    "wochen",
    "monat",
    "monaten",
    "jahr",
    "jahren",
    "gestern",
    "heute",
    "fa",
    "ore",
    "giorni",
    "ieri",
    "oggi",
    "há",
    "dias",
    "ontem",
    "hoje",
    "назад",
    "минут",
    "минуты",
    "час",
    "часа",
    "часов",
    "день",
    "дня",
    "дней",
    "вчера",
    "сегодня",
    "önce",
    "saat",
    "gün",
    "dakika",
    "yang",
    "lalu",
    "jam",
    "hari",
];

/// Words that may stand in a date or time line besides numbers and names.
pub const DATE_FILLER: &[&str] = &[
    "at",
    "on",
    "the",
    "of",
    "de",
    "del",
    "à",
    "am",
    "pm",
    "a.m",
    "p.m",
    "gmt",
    "utc",
    "est",
    "edt",
    "pst",
    "pdt",
    "cet",
    "cest",
    "bst",
    "ist",
    "irst",
    "th",
    "st",
    "nd",
    "rd",
    "um",
    "uhr",
    "le",
    "el",
    "в",
    "г",
    "updated",
    "published",
    "posted",
    "last",
    "modified",
    "created",
    "date",
    "time",
    "in",
    "um",
    "et",
    "publié",
    "publiée",
    "mis",
    "jour",
    "publicado",
    "actualizado",
    "atualizado",
    "veröffentlicht",
    "aktualisiert",
    "pubblicato",
    "aggiornato",
    "опубликовано",
    "обновлено",
    "yayınlanma",
    "güncelleme",
];

/// Words that name metadata fields ("Categories:", "News ID:", "Fecha:", "Автор:").
pub const META_LABELS: &[&str] = &[
    "category",
    "categories",
    "tag",
    "tags",
    "topic",
    "topics",
    "filed",
    "posted",
    "published",
    "publish",
    "updated",
    "update",
    "modified",
    "date",
    "time",
    "author",
    "authors",
    "source",
    "sources",
    "section",
    "id",
    "views",
    "comments",
    "share",
    "print",
    "photo",
    "photos",
    "image",
    "credit",
    "credits",
    "reading",
    "keywords",
    "label",
    "labels",
    "editor",
    "reporter",
    "written",
    "writer",
    "by",
    "categoría",
    "categorías",
    "etiquetas",
    "fecha",
    "autor",
    "publicado",
    "actualizado",
    "fuente",
    "catégorie",
    "catégories",
    "étiquettes",
    "mots-clés",
    "auteur",
    "publié",
    "mis",
    "kategorie",
    "kategorien",
    "schlagwörter",
    "datum",
    "veröffentlicht",
    "aktualisiert",
    "quelle",
    "categoria",
    "categorie",
    "autore",
    "pubblicato",
    "aggiornato",
    "fonte",
    "data",
    "категория",
    "категории",
    "теги",
    "метки",
    "дата",
    "автор",
    "источник",
    "опубликовано",
    "обновлено",
    "просмотры",
    "просмотров",
    "kategori",
    "etiketler",
    "tarih",
    "yazar",
    "kaynak",
    "rubrik",
    "rubrique",
    "rubrica",
];

/// Headers of widget blocks that end an article body ("Recent Posts", "Related Articles").
/// Matched against a whole short line, lowercased, trailing punctuation removed.
pub const WIDGET_HEADERS: &[&str] = &[
    "recent posts",
    "recent articles",
    "recent news",
    "related posts",
    "related articles",
    "related news",
    "related stories",
    "related content",
    "related",
    "more stories",
    "more news",
    "more articles",
    "read more",
    "read next",
    "read also",
    "see also",
    "you may also like",
    "you might also like",
    "you may be interested in",
    "most popular",
    "most read",
    "most viewed",
    "most shared",
    "popular posts",
    "popular articles",
    "trending",
    "trending now",
    "latest news",
    "latest posts",
    "latest articles",
    "top stories",
    "editor's picks",
    "recommended",
    "recommended for you",
    "leave a reply",
    "leave a comment",
    "comments",
    "post a comment",
    "add a comment",
    "join the discussion",
    "share this",
    "share this article",
    "share this post",
    "sponsored",
    "sponsored content",
    "more from",
    "also read",
    "entradas recientes",
    "artículos relacionados",
    "noticias relacionadas",
    "te puede interesar",
    "lo más leído",
    "más leídas",
    "deja un comentario",
    "comentarios",
    "articles similaires",
    "articles récents",
    "à lire aussi",
    "lire aussi",
    "les plus lus",
    "laisser un commentaire",
    "commentaires",
    "ähnliche artikel",
    "verwandte artikel",
    "neueste beiträge",
    "das könnte sie auch interessieren",
    "meistgelesen",
    "kommentare",
    "articoli correlati",
    "articoli recenti",
    "leggi anche",
    "i più letti",
    "commenti",
    "posts relacionados",
    "artigos relacionados",
    "leia também",
    "mais lidas",
    "comentários",
    "gerelateerde artikelen",
    "lees ook",
    "похожие статьи",
    "читайте также",
    "последние новости",
    "популярное",
    "комментарии",
    "ilgili haberler",
    "son haberler",
    "yorumlar",
    "berita terkait",
    "baca juga",
];

/// Words of comment and contact forms ("Leave a Reply", "Your email address", "Post Comment").
pub const FORM_WORDS: &[&str] = &[
    "leave",
    "a",
    "reply",
    "your",
    "comment",
    "comments",
    "name",
    "email",
    "e-mail",
    "website",
    "submit",
    "post",
    "message",
    "required",
    "fields",
    "are",
    "marked",
    "cancel",
    "notify",
    "me",
    "of",
    "new",
    "via",
    "save",
    "my",
    "and",
    "in",
    "this",
    "browser",
    "for",
    "the",
    "next",
    "time",
    "log",
    "sign",
    "login",
    "to",
    "add",
    "write",
    "response",
    "send",
    "captcha",
    "will",
    "not",
    "be",
    "published",
    "address",
    "follow-up",
    "comentario",
    "comentarios",
    "nombre",
    "correo",
    "enviar",
    "tu",
    "commentaire",
    "nom",
    "envoyer",
    "votre",
    "kommentar",
    "kommentare",
    "absenden",
    "ihr",
    "commento",
    "invia",
    "il",
    "tuo",
    "comentário",
    "seu",
    "комментарий",
    "имя",
    "отправить",
    "ваш",
    "yorum",
    "gönder",
    "adınız",
    "deja",
    "un",
    "una",
    "laisser",
    "une",
    "schreiben",
    "einen",
    "lascia",
    "deixe",
    "um",
    "оставить",
    "bir",
    "yaz",
];

/// Words that open a byline ("By Jane Doe", "Por …", "Von …", "Автор: …").
pub const BYLINE_OPENERS: &[&str] = &[
    "by",
    "por",
    "par",
    "von",
    "di",
    "door",
    "av",
    "af",
    "автор",
    "written",
    "text",
    "texto",
    "reporting",
];

/// Words of the site talking about itself and its offer: calls to action (subscribe, sign
/// up, download, contact, book a demo), shop and account words, "free", "offer". Chrome after
/// an article (a newsletter pitch, a product plug, "Try X free for 30 days") is full of them;
/// they weigh a line through [`super::model`] (`promo_ratio`, `block_promo`), never remove
/// one alone. en, es, fr, de, it, pt, nl.
pub const PROMO_WORDS: &[&str] = &[
    // en
    "subscribe",
    "subscribed",
    "subscription",
    "subscriptions",
    "newsletter",
    "newsletters",
    "signup",
    "sign-up",
    "sign",
    "register",
    "registration",
    "login",
    "log",
    "download",
    "downloads",
    "demo",
    "trial",
    "free",
    "offer",
    "offers",
    "discount",
    "discounts",
    "coupon",
    "coupons",
    "promo",
    "buy",
    "shop",
    "order",
    "orders",
    "cart",
    "checkout",
    "contact",
    "click",
    "visit",
    "follow",
    "join",
    "learn",
    "discover",
    "explore",
    "book",
    "schedule",
    "call",
    "email",
    "e-mail",
    "inbox",
    "updates",
    "account",
    "affiliate",
    "sponsored",
    "partner",
    "partners",
    "website",
    "site",
    "blog",
    "podcast",
    "app",
    "customer",
    "customers",
    "support",
    "purchase",
    "purchases",
    "shipping",
    "delivery",
    "deal",
    "deals",
    // es
    "suscríbete",
    "suscribirse",
    "suscripción",
    "boletín",
    "descarga",
    "descargar",
    "gratis",
    "gratuito",
    "gratuita",
    "contacto",
    "contáctanos",
    "contactar",
    "oferta",
    "ofertas",
    "regístrate",
    "registrarse",
    "compra",
    "comprar",
    "envío",
    // fr
    "abonnez",
    "abonner",
    "abonnement",
    "inscrivez",
    "inscrire",
    "inscription",
    "abonnez-vous",
    "inscrivez-vous",
    "contactez-nous",
    "suivez-nous",
    "télécharger",
    "gratuit",
    "gratuite",
    "contactez",
    "offre",
    "offres",
    "achat",
    "acheter",
    "livraison",
    // de
    "abonnieren",
    "anmelden",
    "registrieren",
    "herunterladen",
    "kostenlos",
    "kostenlose",
    "kostenlosen",
    "kontakt",
    "kontaktieren",
    "angebot",
    "angebote",
    "kaufen",
    "bestellen",
    "versand",
    // it
    "iscriviti",
    "iscrizione",
    "scarica",
    "contattaci",
    "contatti",
    "offerta",
    "offerte",
    "acquista",
    "spedizione",
    // pt
    "assine",
    "inscreva",
    "baixe",
    "grátis",
    "contato",
    "compre",
    "frete",
    // nl
    "abonneer",
    "aanmelden",
    "inschrijven",
    "aanbieding",
    "bestel",
    "verzending",
];

/// Words of legal and policy text: privacy notices, terms, disclaimers ("not medical advice",
/// "results may vary"), affiliate disclosures. Shop and service pages embed them in dense
/// prose that looks like content line by line. Model features only (`policy_ratio`,
/// `block_policy`). en, es, fr, de, it, pt.
pub const POLICY_WORDS: &[&str] = &[
    // en
    "privacy",
    "personal",
    "information",
    "data",
    "collect",
    "collected",
    "collection",
    "third",
    "parties",
    "party",
    "cookies",
    "consent",
    "policy",
    "terms",
    "conditions",
    "rights",
    "liability",
    "warranty",
    "warranties",
    "law",
    "laws",
    "applicable",
    "disclose",
    "disclosure",
    "process",
    "processing",
    "purposes",
    "purpose",
    "regulations",
    "regulation",
    "compliance",
    "comply",
    "legal",
    "agreement",
    "obligations",
    "obligation",
    "accordance",
    "provide",
    "provided",
    "pursuant",
    "shall",
    "herein",
    "notice",
    "advice",
    "medical",
    "financial",
    "investment",
    "professional",
    "guarantee",
    "guaranteed",
    "results",
    "vary",
    "responsible",
    "commission",
    "commissions",
    "disclaimer",
    // es
    "privacidad",
    "datos",
    "personales",
    "terceros",
    "política",
    "términos",
    "condiciones",
    "derechos",
    "ley",
    "consentimiento",
    "tratamiento",
    "finalidad",
    // fr
    "confidentialité",
    "données",
    "personnelles",
    "tiers",
    "politique",
    "droits",
    "loi",
    "consentement",
    "traitement",
    "finalité",
    // de
    "datenschutz",
    "daten",
    "personenbezogene",
    "dritte",
    "rechte",
    "gesetz",
    "einwilligung",
    "verarbeitung",
    "zweck",
    "haftung",
    "bedingungen",
    // it
    "dati",
    "personali",
    "terzi",
    "diritti",
    "legge",
    "consenso",
    "trattamento",
    "finalità",
    "informativa",
    // pt
    "privacidade",
    "dados",
    "pessoais",
    "direitos",
    "lei",
    "tratamento",
    "termos",
];

/// Words addressing the reader (second person). Calls to action and pitches address the
/// reader; with [`WE_WORDS`], the voice of a site speaking to its visitors. en, es, fr, de,
/// it, pt, nl.
pub const READER_WORDS: &[&str] = &[
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
    "tú",
    "usted",
    "ustedes",
    "tus",
    "vous",
    "votre",
    "vos",
    "toi",
    "ton",
    "tes",
    "du",
    "dein",
    "deine",
    "deinen",
    "deinem",
    "dich",
    "dir",
    "euch",
    "euer",
    "eure",
    "tuo",
    "tuoi",
    "tue",
    "voi",
    "vostro",
    "vostra",
    "você",
    "vocês",
    "teu",
    "jij",
    "jou",
    "jouw",
    "uw",
];

/// Words of the first person plural: a site or a company speaking ("we", "our team").
pub const WE_WORDS: &[&str] = &[
    "we",
    "our",
    "ours",
    "us",
    "ourselves",
    "nosotros",
    "nosotras",
    "nuestro",
    "nuestra",
    "nuestros",
    "nuestras",
    "nous",
    "notre",
    "nos",
    "wir",
    "uns",
    "unser",
    "unsere",
    "unseren",
    "unserem",
    "noi",
    "nostro",
    "nostra",
    "nostri",
    "nostre",
    "nós",
    "nosso",
    "nossa",
    "nossos",
    "nossas",
    "wij",
    "ons",
    "onze",
];

/// Bit flags: which lists a word is in.
pub const MONTH: u16 = 1;
pub const WEEKDAY: u16 = 2;
pub const RELATIVE_TIME: u16 = 4;
pub const FILLER: u16 = 8;
pub const META: u16 = 16;
pub const FORM: u16 = 32;
pub const BYLINE: u16 = 64;
/// Words without which a line is no comment form ("comment", "reply", "email", …).
pub const FORM_KEY: u16 = 128;

/// Words without which a line is no legal notice ([`super::rules::legal_notice`]): cookie
/// banners, copyright lines, consent lines of sign-up forms.
pub const LEGAL: u16 = 256;
/// [`PROMO_WORDS`], [`POLICY_WORDS`], [`READER_WORDS`], [`WE_WORDS`]: counted per line
/// ([`super::features::Line::voice`]).
pub const PROMO: u16 = 512;
pub const POLICY: u16 = 1024;
pub const READER: u16 = 2048;
pub const WE: u16 = 4096;
/// [`super::rules::ITEM_ACTION_VERBS`]: a line without one is no item button (the cheap
/// first check of [`super::rules::item_action`]).
pub const ACTION: u16 = 8192;

/// The key words of legal notices ("all rights reserved" in several languages).
pub const LEGAL_WORDS: &[&str] = &[
    "cookie",
    "cookies",
    "copyright",
    "reserved",
    "reservados",
    "réservés",
    "vorbehalten",
    "riservati",
    "voorbehouden",
    "zastrzeżone",
    "защищены",
    "agree",
    "consent",
];

/// The key words of comment forms.
pub const FORM_KEYS: &[&str] = &[
    "comment",
    "comments",
    "reply",
    "email",
    "e-mail",
    "submit",
    "comentario",
    "commentaire",
    "kommentar",
    "commento",
    "comentário",
    "комментарий",
    "yorum",
];

/// A word's entry: which lists it is in, and which languages have it as a stopword.
#[derive(Debug, Clone, Copy, Default)]
pub struct Entry {
    pub flags: u16,
    /// Bit `i` set: a stopword of [`STOPWORD_LANGS`]`[i]`.
    pub langs: u64,
}

/// Languages whose stopword lists (NLTK's, from the `stop-words` crate) feed the stopword
/// ratio, in bit order. Scripts written without spaces (Chinese, Japanese, Thai) are left out:
/// their lines are judged by length and punctuation.
pub const STOPWORD_LANGS: &[&str] = &[
    "en", "es", "fr", "de", "it", "pt", "nl", "ru", "tr", "id", "sv", "da", "no", "fi", "hu", "ro",
    "el", "ar", "he", "ca", "eu", "az", "kk", "sl", "sq", "be", "bn", "ne", "tg", "uz",
];

/// FxHash-style hasher: a multiply and a rotate per 8 bytes. The lexicon is a fixed set of
/// short words, so a DoS-resistant hasher buys nothing and costs a third of strip's time.
#[derive(Default, Clone, Copy)]
pub struct FastHasher(u64);

const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl std::hash::Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(b)).wrapping_mul(K);
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut b = [0u8; 8];
            b[..rest.len()].copy_from_slice(rest);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(b)).wrapping_mul(K);
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(i)).wrapping_mul(K);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A hash map with [`FastHasher`].
pub type FastMap<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<FastHasher>>;

/// All word lists as one map from lowercase word to [`Entry`], built once: one lookup per word
/// answers every list and every language.
fn map() -> &'static FastMap<&'static [u8], Entry> {
    use std::sync::OnceLock;
    static MAP: OnceLock<FastMap<&'static [u8], Entry>> = OnceLock::new();
    MAP.get_or_init(|| {
        // ~9K words: room for them up front instead of growing the table five times.
        let mut m: FastMap<&'static [u8], Entry> =
            FastMap::with_capacity_and_hasher(1 << 14, Default::default());
        for (list, flag) in [
            (MONTHS, MONTH),
            (WEEKDAYS, WEEKDAY),
            (RELATIVE, RELATIVE_TIME),
            (DATE_FILLER, FILLER),
            (META_LABELS, META),
            (FORM_WORDS, FORM),
            (BYLINE_OPENERS, BYLINE),
            (FORM_KEYS, FORM_KEY),
            (LEGAL_WORDS, LEGAL),
            (PROMO_WORDS, PROMO),
            (POLICY_WORDS, POLICY),
            (READER_WORDS, READER),
            (WE_WORDS, WE),
            (super::rules::ITEM_ACTION_VERBS, ACTION),
        ] {
            for w in list {
                m.entry(w.as_bytes()).or_default().flags |= flag;
            }
        }
        for (bit, code) in STOPWORD_LANGS.iter().enumerate() {
            for w in stop_words::lookup(code).unwrap_or(&[]) {
                m.entry(w.as_bytes()).or_default().langs |= 1 << bit;
            }
        }
        m
    })
}

/// The lexicon keyed by the hash of each word's normalized form
/// ([`crate::fingerprint::WordHasher`]), so a word that is one run of letters is looked up
/// with the hash strip computed anyway while reading it, without copying or hashing its bytes
/// again. Words whose normalized form is not themselves (an apostrophe, a hyphen, a digit
/// inside) are not in it: they go through [`entry_bytes`].
///
/// A perfect hash ("hash and displace": Belazzougui, Botelho and Dietzfelbinger, "Hash,
/// displace, and compress", ESA 2009): the words are grouped by the low bits of their hash,
/// and each group is given a displacement that sends all its words to free slots of their
/// own. A lookup reads the displacement of the word's group, then the one slot it
/// names, and compares: two loads and no branch on the word. (The open-addressing table with
/// a 16 KiB filter it replaced took a branch on whether the filter passed, which is as good as
/// random on text: ~40% of words are stopwords; those mispredicted branches were ~7% of
/// strip's time on wcxb-dev, issue 4, session 14.)
///
/// Layout: one `u64` a slot, the top 48 bits of the word's hash (the check) above the index
/// of its entry among the distinct entries (0: empty slot, whose entry is the empty one);
/// 16K slots (128 KiB) for the ~9K words, so the table stays in L2, and a `u16`
/// displacement per group of about two words. A word outside the lexicon is taken for one of
/// its words only if it lands on that word's slot and agrees on all 48 check bits.
pub struct HashedLexicon {
    /// Per group (the hash's low bits): its displacement.
    disp: Vec<u16>,
    slots: Vec<u64>,
    /// The distinct entries; `entries[0]` is the empty one.
    entries: Vec<Entry>,
    shift: u32,
}

/// Bits of a slot below its check: the entry index.
const CHECK_SHIFT: u32 = 16;

impl HashedLexicon {
    fn build() -> Self {
        // (hash, flags, stopword languages) of every word that is its own single normalized
        // word.
        let mut keyed: Vec<(u64, u16, u64)> = map()
            .iter()
            .filter_map(|(w, e)| {
                let h = self_normal_hash(std::str::from_utf8(w).ok()?)?;
                Some((h, e.flags, e.langs))
            })
            .collect();
        let n = keyed.len().max(1);
        let groups = (n / 2).next_power_of_two();
        // By group, then hash (the hash turned so that its group bits come first: one
        // integer to compare), then entry: an order that does not depend on the map's. Of two
        // words with the same hash (which could not be told apart) the first in it stays.
        let turn = groups.trailing_zeros();
        keyed.sort_unstable_by_key(|&(h, f, l)| (h.rotate_right(turn), f, l));
        keyed.dedup_by_key(|&mut (h, _, _)| h);
        let mut entries = vec![Entry::default()];
        let mut index: FastMap<(u16, u64), u16> = FastMap::default();
        let keyed: Vec<(u64, u16)> = keyed
            .into_iter()
            .map(|(h, flags, langs)| {
                let next = u16::try_from(entries.len()).unwrap_or(u16::MAX);
                let k = *index.entry((flags, langs)).or_insert(next);
                if k == next && usize::from(next) == entries.len() {
                    entries.push(Entry { flags, langs });
                }
                (h, k)
            })
            .collect();
        let mut bits = (n + n / 2).next_power_of_two().trailing_zeros().max(4);
        loop {
            if let Some((disp, slots)) = place(&keyed, groups, bits) {
                return HashedLexicon {
                    disp,
                    slots,
                    entries,
                    shift: 64 - bits,
                };
            }
            bits += 1;
        }
    }

    /// [`entry_hashed`] of a word hash.
    #[inline]
    pub fn get(&self, h: u64) -> Entry {
        let d = self.disp[group_of(h, self.disp.len())];
        let s = self.slots[slot_of(h, d, self.shift)];
        // The entry index when the check agrees, else 0 (the empty entry), without a branch.
        let hit = u64::from((s ^ h) >> CHECK_SHIFT == 0);
        let k = (s & ((1 << CHECK_SHIFT) - 1)) * hit;
        self.entries.get(k as usize).copied().unwrap_or_default()
    }
}

/// The group of a word hash: its low bits (`groups` is a power of two).
#[inline]
fn group_of(h: u64, groups: usize) -> usize {
    (h as usize) & (groups - 1)
}

/// The slot of a word hash under displacement `d`: the top bits of the hash mixed with the
/// displacement (`shift` is 64 minus the slot bits).
#[inline]
fn slot_of(h: u64, d: u16, shift: u32) -> usize {
    ((h ^ u64::from(d).wrapping_mul(0x9E37_79B9_7F4A_7C15)).wrapping_mul(0xD6E8_FEB8_6659_FD93)
        >> shift) as usize
}

/// Places the words (`keyed`: hash and entry index, sorted by group, no hash twice) in
/// `1 << bits` slots: the groups in order of size (largest first, then by group), each with
/// the first displacement that sends its words to distinct free slots. The displacements
/// and the slots; `None` when a group finds none (the caller retries with twice the slots).
fn place(keyed: &[(u64, u16)], groups: usize, bits: u32) -> Option<(Vec<u16>, Vec<u64>)> {
    let shift = 64 - bits;
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for (i, &(h, _)) in keyed.iter().enumerate() {
        match ranges.last_mut() {
            Some(r) if group_of(keyed[r.0].0, groups) == group_of(h, groups) => r.1 = i + 1,
            _ => ranges.push((i, i + 1)),
        }
    }
    let longest = ranges.iter().map(|&(a, b)| b - a).max().unwrap_or(0);
    let by_size = (1..=longest)
        .rev()
        .flat_map(|len| ranges.iter().filter(move |&&(a, b)| b - a == len));
    let mut slots = vec![0u64; 1 << bits];
    let mut disp = vec![0u16; groups];
    let mut at = Vec::new();
    for &(a, b) in by_size {
        let members = &keyed[a..b];
        let d = (0..=u16::MAX).find(|&d| {
            at.clear();
            for &(h, _) in members {
                let i = slot_of(h, d, shift);
                if slots[i] != 0 || at.contains(&i) {
                    return false;
                }
                at.push(i);
            }
            true
        })?;
        disp[group_of(members[0].0, groups)] = d;
        for &(h, k) in members {
            slots[slot_of(h, d, shift)] = (h >> CHECK_SHIFT << CHECK_SHIFT) | u64::from(k);
        }
    }
    Some((disp, slots))
}

/// The normalized word hash ([`crate::fingerprint::WordHasher`]) of a word that is its own
/// normalized form, a single word (`fingerprint::normalize(w) == w`, not empty, no space);
/// `None` for any other word. Answered character by character without building the normal
/// form: ASCII bytes must be lowercase letters or `0` (other digits fold to `0`, anything else
/// is a separator); another character must be a letter or digit that is its own lowercase
/// form. (Building `normalize(w)` for each of the ~9K words, with Unicode's slow
/// `is_alphanumeric`, was most of the ~27 M instructions `thresh` spent on starting up.)
fn self_normal_hash(w: &str) -> Option<u64> {
    use crate::strip::features::is_alphanumeric;
    let mut hw = crate::fingerprint::WordHasher::new();
    for c in w.chars() {
        if c.is_ascii() {
            let b = c as u8;
            if b == 0 || crate::fingerprint::ascii_class(b) != b {
                return None;
            }
            hw.byte(b);
        } else {
            if !is_alphanumeric(c) {
                return None;
            }
            let mut lower = c.to_lowercase().filter(|&l| is_alphanumeric(l));
            if lower.next() != Some(c) || lower.next().is_some() {
                return None;
            }
            let mut buf = [0u8; 4];
            c.encode_utf8(&mut buf).bytes().for_each(|b| hw.byte(b));
        }
    }
    hw.end()
}

/// The entry of a word given the hash of its normalized form, for a word that is a single
/// run of letters (see [`HashedLexicon`]). Equal to [`entry_bytes`] of the lowercased word.
#[inline]
pub fn entry_hashed(h: u64) -> Entry {
    hashed().get(h)
}

/// The hashed lexicon, built on first use. Strip's line reader takes it once a line and
/// looks each word up in it with [`HashedLexicon::get`], rather than passing the `OnceLock`
/// check once a word.
#[inline]
pub fn hashed() -> &'static HashedLexicon {
    use std::sync::OnceLock;
    static T: OnceLock<HashedLexicon> = OnceLock::new();
    T.get_or_init(HashedLexicon::build)
}

/// The entry of a lowercase word (empty when it is in no list).
pub fn entry(word: &str) -> Entry {
    entry_bytes(word.as_bytes())
}

/// [`entry`] of a lowercase word given as UTF-8 bytes.
#[inline]
pub fn entry_bytes(word: &[u8]) -> Entry {
    if word.len() > MAX_WORD {
        return Entry::default();
    }
    map().get(word).copied().unwrap_or_default()
}

/// Longest word (bytes) in any list: longer words are not looked up.
pub const MAX_WORD: usize = 32;

/// Which of the lists (bit flags above) hold a lowercase word.
pub fn flags(word: &str) -> u16 {
    entry(word).flags
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Strip looks a single-word token up by its normalized hash: that must answer exactly
    /// what the byte lookup answers, for every word of every list.
    /// The character test of [`self_normal_hash`] answers what building the normal form
    /// answers, for every word of every list and for words that are not their normal form.
    #[test]
    fn self_normal_hash_equals_normalizing() {
        let odd = [
            "", "a b", "a-b", "Ab", "a1", "a0", "é", "É", "İ", "ß", "ǅ", "a\0", "中文", "x²",
        ];
        let words = map().keys().filter_map(|w| std::str::from_utf8(w).ok());
        for w in words.chain(odd) {
            let want = (!w.contains(' ') && crate::fingerprint::normalize(w) == w)
                .then(|| {
                    let mut hw = crate::fingerprint::WordHasher::new();
                    w.bytes().for_each(|b| hw.byte(b));
                    hw.end()
                })
                .flatten();
            assert_eq!(self_normal_hash(w), want, "{w:?}");
        }
    }

    /// Words sort by their packed prefix, then their bytes, as by their bytes alone.
    #[test]
    fn hashed_lookup_equals_byte_lookup() {
        let mut hashed = 0;
        for (word, e) in map() {
            let w = std::str::from_utf8(word).unwrap();
            assert!(
                !w.bytes().any(|b| b.is_ascii_digit()),
                "{w}: digits fold in the normalized form"
            );
            if w.contains(' ') || crate::fingerprint::normalize(w) != w {
                continue;
            }
            let mut words = Vec::new();
            crate::fingerprint::word_hashes(w, &mut words);
            assert_eq!(words.len(), 1, "{w}");
            let h = entry_hashed(words[0]);
            assert_eq!((h.flags, h.langs), (e.flags, e.langs), "{w}");
            hashed += 1;
        }
        assert!(hashed > map().len() * 9 / 10, "{hashed} of {}", map().len());
        assert_eq!(entry_hashed(12345).langs, 0);
        // Entry indexes are 16 bits.
        assert!(super::hashed().entries.len() < usize::from(u16::MAX) / 2);
    }

    proptest::proptest! {
        /// A word outside the lexicon finds nothing in the hashed table, though it lands on
        /// slots that other words hold: the perfect hash's check turns it away.
        #[test]
        fn hashed_lookup_of_other_words_is_empty(w in "[a-zäéöß]{1,12}") {
            let mut words = Vec::new();
            crate::fingerprint::word_hashes(&w, &mut words);
            proptest::prop_assume!(words.len() == 1);
            let (h, b) = (entry_hashed(words[0]), entry_bytes(w.as_bytes()));
            proptest::prop_assert_eq!((h.flags, h.langs), (b.flags, b.langs));
        }

        /// Any hash at all: an entry only for a lexicon word's hash.
        #[test]
        fn hashed_lookup_of_random_hashes_is_empty(h in proptest::prelude::any::<u64>()) {
            let e = entry_hashed(h);
            proptest::prop_assert_eq!((e.flags, e.langs), (0, 0));
        }
    }
}
