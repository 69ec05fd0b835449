//! Property tests for the repair stage: clean text is left alone, repair is idempotent, and
//! no input panics. Clean text is built from real words of several languages and scripts,
//! not from arbitrary code points (arbitrary Latin-1 pairs *are* mojibake, e.g. `Ã©`).

use proptest::prelude::*;
use thresh::repair::fix_line;

const WORDS: &[&str] = &[
    "the",
    "river",
    "naïve",
    "café",
    "crème",
    "brûlée",
    "façade",
    "Zürich",
    "Größe",
    "straße",
    "Ärger",
    "años",
    "niño",
    "acción",
    "São",
    "coração",
    "ÉTÉ",
    "«bonjour»",
    "“quoted”",
    "it’s",
    "—",
    "…",
    "€5",
    "Łódź",
    "żółć",
    "gęś",
    "Čech",
    "Dvořák",
    "ŠKODA",
    "İstanbul",
    "ağaç",
    "Şişli",
    "ırmak",
    "Ελληνικά",
    "κόσμε",
    "ΑΘΗΝΑ",
    "Привет",
    "мир",
    "ВІКІ",
    "їжак",
    "Ґанок",
    "Српски",
    "ђак",
    "עברית",
    "العربية",
    "فارسی",
    "हिन्दी",
    "বাংলা",
    "日本語",
    "テキスト",
    "中文",
    "한국어",
    "ไทย",
    "ქართული",
    "Հայերեն",
    "Tək",
    "əlavə",
    "Việt",
    "Nam",
    "tiếng",
    "Ŋ",
    "ɛ",
    "ɔ",
    "30°C",
    "m²",
    "½",
    "©2024",
    "™",
    "§3",
];

fn sentence() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(WORDS), 1..20).prop_map(|w| w.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn clean_text_is_left_unchanged(s in sentence()) {
        prop_assert_eq!(fix_line(&s), s);
    }

    #[test]
    fn repair_is_idempotent(s in any::<String>()) {
        let once = fix_line(&s);
        prop_assert_eq!(fix_line(&once), once.clone());
    }

    #[test]
    fn garbled_clean_text_is_repaired_and_then_stable(s in sentence()) {
        let garbled = encoding_rs::WINDOWS_1252.decode_without_bom_handling(s.as_bytes()).0.into_owned();
        let fixed = fix_line(&garbled);
        prop_assert_eq!(fix_line(&fixed), fixed.clone());
    }

    #[test]
    fn arbitrary_bytes_never_panic_decode_and_repair(b in prop::collection::vec(any::<u8>(), 0..300)) {
        if let Ok(d) = thresh::decode::decode(&b, "x") {
            for line in d.text.split('\n') {
                let _ = fix_line(line);
            }
        }
    }
}
