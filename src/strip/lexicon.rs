//! Word lists the strip rules use to recognise kinds of chrome: month and weekday names,
//! relative-time units, metadata labels, widget headers, comment-form words, byline
//! prepositions. Lowercase; several languages each. These name *kinds* of line (a date, a
//! label), never a sentence of any one site.

/// Month names and common abbreviations (en, es, fr, de, it, pt, nl, ru, tr, id).
pub const MONTHS: &[&str] = &[
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
    "setiembre", "octubre", "noviembre", "diciembre", "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre", "januar", "februar", "märz", "juni",
    "juli", "oktober", "dezember", "gennaio", "febbraio", "aprile", "maggio", "giugno", "luglio", "settembre",
    "ottobre", "dicembre", "janeiro", "fevereiro", "março", "maio", "junho", "julho", "setembro", "outubro",
    "novembro", "dezembro", "januari", "februari", "maart", "mei", "augustus", "januar", "января", "февраля",
    "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря", "ocak",
    "şubat", "mart", "nisan", "mayıs", "haziran", "temmuz", "ağustos", "eylül", "ekim", "kasım", "aralık",
    "agustus", "desember", "okt", "dez", "mrt", "ene", "abr", "ago", "dic", "fév", "avr", "juil", "déc",
];

/// Weekday names and abbreviations.
pub const WEEKDAYS: &[&str] = &[
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mon", "tue", "tues", "wed",
    "thu", "thur", "thurs", "fri", "sat", "sun", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado",
    "domingo", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "montag", "dienstag",
    "mittwoch", "donnerstag", "freitag", "samstag", "sonntag", "lunedì", "martedì", "mercoledì", "giovedì",
    "venerdì", "sabato", "domenica", "segunda", "terça", "quarta", "quinta", "sexta", "понедельник",
    "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье",
];

/// Units and words of relative time ("13 hours ago", "vor 3 Stunden", "hace 2 días").
pub const RELATIVE: &[&str] = &[
    "ago", "second", "seconds", "sec", "secs", "minute", "minutes", "min", "mins", "hour", "hours", "hr", "hrs",
    "day", "days", "week", "weeks", "month", "months", "year", "years", "yesterday", "today", "now", "just",
    "hace", "segundos", "minutos", "hora", "horas", "día", "días", "semana", "semanas", "mes", "meses", "año",
    "años", "ayer", "hoy", "il", "y", "a", "heure", "heures", "jour", "jours", "semaines", "mois", "an", "ans",
    "hier", "aujourd'hui", "vor", "sekunden", "minuten", "stunde", "stunden", "tag", "tagen", "woche",
    "wochen", "monat", "monaten", "jahr", "jahren", "gestern", "heute", "fa", "ore", "giorni", "ieri", "oggi",
    "há", "dias", "ontem", "hoje", "назад", "минут", "минуты", "час", "часа", "часов", "день", "дня", "дней",
    "вчера", "сегодня", "önce", "saat", "gün", "dakika", "yang", "lalu", "jam", "hari",
];

/// Words that may stand in a date or time line besides numbers and names.
pub const DATE_FILLER: &[&str] = &[
    "at", "on", "the", "of", "de", "del", "à", "am", "pm", "a.m", "p.m", "gmt", "utc", "est", "edt", "pst",
    "pdt", "cet", "cest", "bst", "ist", "irst", "th", "st", "nd", "rd", "um", "uhr", "le", "el", "в", "г",
    "updated", "published", "posted", "last", "modified", "created", "date", "time", "in", "um", "et",
];

/// Words that name metadata fields ("Categories:", "News ID:", "Fecha:", "Автор:").
pub const META_LABELS: &[&str] = &[
    "category", "categories", "tag", "tags", "topic", "topics", "filed", "posted", "published", "publish",
    "updated", "update", "modified", "date", "time", "author", "authors", "source", "sources", "section",
    "id", "views", "comments", "share", "print", "photo", "photos", "image", "credit", "credits", "reading",
    "keywords", "label", "labels", "editor", "reporter", "written", "writer", "by", "categoría", "categorías",
    "etiquetas", "fecha", "autor", "publicado", "actualizado", "fuente", "catégorie", "catégories",
    "étiquettes", "mots-clés", "auteur", "publié", "mis", "kategorie", "kategorien", "schlagwörter",
    "datum", "veröffentlicht", "aktualisiert", "quelle", "categoria", "categorie", "autore", "pubblicato",
    "aggiornato", "fonte", "data", "категория", "категории", "теги", "метки", "дата", "автор",
    "источник", "опубликовано", "обновлено", "просмотры", "просмотров", "kategori", "etiketler", "tarih",
    "yazar", "kaynak", "rubrik", "rubrique", "rubrica",
];

/// Headers of widget blocks that end an article body ("Recent Posts", "Related Articles").
/// Matched against a whole short line, lowercased, trailing punctuation removed.
pub const WIDGET_HEADERS: &[&str] = &[
    "recent posts", "recent articles", "recent news", "related posts", "related articles", "related news",
    "related stories", "related content", "related", "more stories", "more news", "more articles",
    "read more", "read next", "read also", "see also", "you may also like", "you might also like",
    "you may be interested in", "most popular", "most read", "most viewed", "most shared", "popular posts",
    "popular articles", "trending", "trending now", "latest news", "latest posts", "latest articles",
    "top stories", "editor's picks", "recommended", "recommended for you", "leave a reply", "leave a comment",
    "comments", "post a comment", "add a comment", "join the discussion", "share this", "share this article",
    "share this post", "sponsored", "sponsored content", "more from", "also read", "entradas recientes",
    "artículos relacionados", "noticias relacionadas", "te puede interesar", "lo más leído", "más leídas",
    "deja un comentario", "comentarios", "articles similaires", "articles récents", "à lire aussi",
    "lire aussi", "les plus lus", "laisser un commentaire", "commentaires", "ähnliche artikel",
    "verwandte artikel", "neueste beiträge", "das könnte sie auch interessieren", "meistgelesen",
    "kommentare", "articoli correlati", "articoli recenti", "leggi anche", "i più letti", "commenti",
    "posts relacionados", "artigos relacionados", "leia também", "mais lidas", "comentários",
    "gerelateerde artikelen", "lees ook", "похожие статьи", "читайте также", "последние новости",
    "популярное", "комментарии", "ilgili haberler", "son haberler", "yorumlar", "berita terkait",
    "baca juga",
];

/// Words of comment and contact forms ("Leave a Reply", "Your email address", "Post Comment").
pub const FORM_WORDS: &[&str] = &[
    "leave", "a", "reply", "your", "comment", "comments", "name", "email", "e-mail", "website", "submit",
    "post", "message", "required", "fields", "are", "marked", "cancel", "notify", "me", "of", "new", "via",
    "save", "my", "and", "in", "this", "browser", "for", "the", "next", "time", "log", "sign", "login", "to",
    "add", "write", "response", "send", "captcha", "will", "not", "be", "published", "address", "follow-up",
    "comentario", "comentarios", "nombre", "correo", "enviar", "tu", "commentaire", "nom", "envoyer", "votre",
    "kommentar", "kommentare", "absenden", "ihr", "commento", "invia", "il", "tuo", "comentário", "seu",
    "комментарий", "имя", "отправить", "ваш", "yorum", "gönder", "adınız", "deja", "un", "una",
    "laisser", "une", "schreiben", "einen", "lascia", "deixe", "um", "оставить", "bir", "yaz",
];

/// Words that open a byline ("By Jane Doe", "Por …", "Von …", "Автор: …").
pub const BYLINE_OPENERS: &[&str] = &["by", "por", "par", "von", "di", "door", "av", "af", "автор", "written", "text", "texto", "reporting"];
