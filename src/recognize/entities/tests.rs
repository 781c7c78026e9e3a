//! End-to-end fixtures: articles written for these tests, rendered with every mention
//! marked, so a change in any recogniser shows up as a readable diff.

use expect_test::{Expect, expect};

use crate::kb::builtin::builtin;
use crate::recognize::{ArticleText, EntityType, LearnedForm, Lexicon, Recognizer};
use crate::text::TextRange;

use super::{
    CoveredBytes, Tier, last_words_slug, overlaps, resolution_order, resolution_order_by_tuples,
};
use crate::recognize::normalize::slug;

fn render_with(text: &str, lexicon: &Lexicon) -> String {
    let title_end = text.find('\n').unwrap_or(text.len());
    let article = ArticleText {
        text,
        title: TextRange::new(0, title_end),
        date: "2025-11-20".parse().ok(),
    };
    let recognized = Recognizer::new(builtin()).recognize(&article, lexicon);
    let mut out = String::new();
    let mut at = 0;
    for m in &recognized.mentions {
        out.push_str(&text[at..m.range.start]);
        let label = m.key.as_deref().or(m.value.as_deref()).unwrap_or("-");
        out.push_str(&format!(
            "[{}]{{{} {}}}",
            &text[m.range.start..m.range.end],
            m.ty.as_str(),
            label
        ));
        at = m.range.end;
    }
    out.push_str(&text[at..]);
    for a in &recognized.acronyms {
        let ty = a.ty.map_or("-", EntityType::as_str);
        let key = a.key.as_deref().unwrap_or("-");
        out.push_str(&format!("\n{} = {} ({ty} {key})", a.short, a.long));
    }
    out
}

fn check(text: &str, expected: Expect) {
    expected.assert_eq(&render_with(text, &Lexicon::default()));
}

#[test]
fn headline_gives_only_real_names() {
    check(
        "Ministry Steps Up Talks, Reviews Plans to Advance Korea–Japan Supply Chain Ties\n",
        expect![[r#"
            Ministry Steps Up Talks, Reviews Plans to Advance [Korea]{place south-korea}–[Japan]{place japan} Supply Chain Ties
        "#]],
    );
}

#[test]
fn ministry_acronym_title_and_numbered_meeting() {
    check(
        "Export push\nThe Ministry of Oceans and Fisheries (MOF, Minister Chun Jae-soo) held the 14th Export Strategy Council at the Lotte Hotel Seoul. Minister Chun said MOF and the Korea Trade-Investment Promotion Agency (KOTRA) will act.",
        expect![[r#"
            Export push
            The [Ministry of Oceans and Fisheries]{org mof} ([MOF]{org mof}, Minister [Chun Jae-soo]{person chun-jae-soo}) held the [14th Export Strategy Council]{event export-strategy-council-14} at the Lotte Hotel Seoul. Minister [Chun]{person chun-jae-soo} said [MOF]{org mof} and the [Korea Trade-Investment Promotion Agency]{org kotra} ([KOTRA]{org kotra}) will act.
            MOF = Ministry of Oceans and Fisheries (org mof)
            KOTRA = Korea Trade-Investment Promotion Agency (org kotra)"#]],
    );
}

#[test]
fn agreements_share_one_key_across_forms() {
    check(
        "Trade deals\nOfficials said the Korea-US free trade agreement, the KORUS FTA and the Korea–U.S. FTA are one deal, unlike Korea–U.S. tariff talks. The Critical Minerals Security Mechanism (CMSM) starts soon; the Korea–Japan CMSM follows.",
        expect![[r#"
            Trade deals
            Officials said the [Korea-US free trade agreement]{agreement korus-fta}, the [KORUS FTA]{agreement korus-fta} and the [Korea–U.S. FTA]{agreement korus-fta} are one deal, unlike [Korea]{place south-korea}–[U.S.]{place united-states} tariff talks. The [Critical Minerals Security Mechanism]{agreement cmsm} ([CMSM]{agreement cmsm}) starts soon; the [Korea–Japan CMSM]{agreement cmsm} follows.
            CMSM = Critical Minerals Security Mechanism (agreement cmsm)"#]],
    );
}

#[test]
fn people_before_and_after_titles() {
    check(
        "Talks in Brussels\nTrade Minister Yeo Han-koo met Valdis Dombrovskis, Commissioner for Economy and Productivity, in Brussels, Belgium. NATO Secretary General Mark Rutte joined. Rutte and Yeo agreed under the Lee Jae Myung administration.",
        expect![[r#"
            Talks in [Brussels]{place brussels}
            Trade Minister [Yeo Han-koo]{person yeo-han-koo} met [Valdis Dombrovskis]{person valdis-dombrovskis}, Commissioner for Economy and Productivity, in [Brussels]{place brussels}, [Belgium]{place belgium}. [NATO]{org nato} Secretary General [Mark Rutte]{person mark-rutte} joined. [Rutte]{person mark-rutte} and [Yeo]{person yeo-han-koo} agreed under the [Lee Jae Myung]{person lee-jae-myung} administration."#]],
    );
}

#[test]
fn venues_demonyms_and_generic_terms_stay_untagged() {
    check(
        "Forum\nKorean firms met at the Grand Hyatt Seoul and Namsan Park to discuss AI, FDI and R&D with the Free Economic Zone (FEZ) office in Seoul.",
        expect![[r#"
            Forum
            Korean firms met at the Grand Hyatt Seoul and Namsan Park to discuss AI, FDI and R&D with the Free Economic Zone (FEZ) office in [Seoul]{place seoul}.
            FEZ = Free Economic Zone (- -)"#]],
    );
}

#[test]
fn date_marker_is_never_an_entity() {
    check(
        "Note\nThe US and the EU met. date2025-11-20",
        expect![[r#"
            Note
            The [US]{place united-states} and the [EU]{place eu} met. date2025-11-20"#]],
    );
}

#[test]
fn learned_forms_beat_rules() {
    let lexicon = Lexicon::new(vec![
        LearnedForm {
            surface: "Export Strategy Council".to_owned(),
            ty: EntityType::Org,
            key: Some("esc".to_owned()),
            origin: None,
        },
        LearnedForm {
            surface: "Hanbit Nuclear Works".to_owned(),
            ty: EntityType::Org,
            key: Some("hanbit".to_owned()),
            origin: None,
        },
    ]);
    let text = "Meeting\nThe Export Strategy Council met Hanbit Nuclear Works in Seoul.";
    expect![[r#"
        Meeting
        The [Export Strategy Council]{org esc} met [Hanbit Nuclear Works]{org hanbit} in [Seoul]{place seoul}."#]]
    .assert_eq(&render_with(text, &lexicon));
}

/// A venue's name holds no mention, also of a name another file taught.
#[test]
fn taught_places_inside_venues_are_not_mentions() {
    let lexicon = Lexicon::new(vec![LearnedForm {
        surface: "Velmar".to_owned(),
        ty: EntityType::Place,
        key: Some("velmar".to_owned()),
        origin: Some("other.article".into()),
    }]);
    let text = "Forum\nThe forum met at the Grand Hyatt Velmar, not far from Velmar's port.";
    expect![[r#"
        Forum
        The forum met at the Grand Hyatt Velmar, not far from [Velmar]{place velmar}'s port."#]]
    .assert_eq(&render_with(text, &lexicon));
}

/// An acronym the article defines takes the article's reading, whatever another file
/// taught.
#[test]
fn the_articles_own_acronyms_come_before_learned_ones() {
    let lexicon = Lexicon::new(vec![LearnedForm {
        surface: "DTA".to_owned(),
        ty: EntityType::Agreement,
        key: Some("korea-eu-dta".to_owned()),
        origin: Some("other.article".into()),
    }]);
    let text = "Data Office\nThe Data Transfer Authority (DTA) opened. The DTA said it would act.";
    expect![[r#"
        [Data Office]{org data-office}
        The [Data Transfer Authority]{org dta} ([DTA]{org dta}) opened. The [DTA]{org dta} said it would act.
        DTA = Data Transfer Authority (org dta)"#]]
    .assert_eq(&render_with(text, &lexicon));
    // Without a definition, the learned reading applies.
    expect![[r#"
        [Data Office]{org data-office}
        The [DTA]{agreement korea-eu-dta} took effect."#]]
    .assert_eq(&render_with("Data Office\nThe DTA took effect.", &lexicon));
}

/// People, meetings and offices in the shapes government releases write them, with
/// names no list holds.
#[test]
fn release_shapes_of_people_and_meetings() {
    check(
        "Minister Ferro Holds Talks with Dr. Anika Vos\n\
         Lisbon – Trade Minister Ferro and H.E. Mr. J.P. Okoro, Minister of Industry of \
         Benin, co-chaired the 7th Portugal-Benin Joint Economic Commission and the third \
         meeting of the Ministerial Council on Trade and Investment. The Honourable Anika \
         Vos, Secretary of State for Trade Policy, said the 12th annual trade talks were \
         held at the Portuguese Embassy in Cotonou. Mr. Okoro thanked Ferro.",
        expect![[r#"
            Minister [Ferro]{person ferro} Holds Talks with Dr. [Anika Vos]{person anika-vos}
            [Lisbon]{place lisbon} – Trade Minister [Ferro]{person ferro} and H.E. Mr. [J.P. Okoro]{person jp-okoro}, Minister of Industry of [Benin]{place benin}, co-chaired the [7th Portugal-Benin Joint Economic Commission]{event portugal-benin-joint-economic-commission-7} and the [third meeting of the Ministerial Council on Trade and Investment]{event meeting-of-the-ministerial-council-on-trade-and-investment-3}. The Honourable [Anika Vos]{person anika-vos}, Secretary of State for Trade Policy, said the [12th annual trade talks]{event annual-trade-talks-12} were held at the [Portuguese Embassy in Cotonou]{org portuguese-embassy-in-cotonou}. Mr. [Okoro]{person jp-okoro} thanked [Ferro]{person ferro}."#]],
    );
}

#[test]
fn covered_bytes_answer_as_a_map_of_kept_ranges() {
    use std::collections::BTreeMap;
    let mut seed = 7u64;
    let mut next = |bound: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize % bound
    };
    for _ in 0..200 {
        let len = 1 + next(300);
        let mut covered = CoveredBytes::new(len);
        let mut taken: BTreeMap<usize, usize> = BTreeMap::new();
        for _ in 0..60 {
            let start = next(len);
            let end = (start + 1 + next(70)).min(len);
            let range = TextRange::new(start, end);
            let expected = overlaps(&taken, range);
            assert_eq!(covered.any(range), expected, "{range:?} in {taken:?}");
            if !expected {
                covered.insert(range);
                taken.insert(start, end);
            }
        }
    }
}

#[test]
fn summits_named_by_their_countries() {
    check(
        "Gas deal\nThe deal follows a Canada–Mexico summit in Ottawa, and the South Korea-Japan summit and a Korea–U.S.–Japan summit come next. At the NATO summit and at a summit in Rome, nothing was said.",
        expect![[r#"
            Gas deal
            The deal follows a [Canada–Mexico summit]{event canada-mexico-summit} in [Ottawa]{place ottawa}, and the [South Korea-Japan summit]{event south-korea-japan-summit} and a [Korea–U.S.–Japan summit]{event south-korea-united-states-japan-summit} come next. At the [NATO]{org nato} summit and at a summit in [Rome]{place rome}, nothing was said."#]],
    );
}

#[test]
fn trade_law_sections_are_agreements() {
    check(
        "Tariffs\nThe Section 232 tariff on steel and a Section 301 probe stay, while Section 3 of the contract and Section 2324 do not count.",
        expect![[r#"
            Tariffs
            The [Section 232]{agreement section-232} tariff on steel and a [Section 301]{agreement section-301} probe stay, while Section 3 of the contract and Section 2324 do not count."#]],
    );
}

#[test]
fn names_with_particles_and_their_surnames() {
    check(
        "Talks in Brussels\nPresident Ursula von der Leyen met Chancellor Friedrich Merz. Von der Leyen said the talks went well, and von der Leyen left. Minister Maria da Costa agreed; da Costa spoke later.",
        expect![[r#"
            Talks in [Brussels]{place brussels}
            President [Ursula von der Leyen]{person ursula-von-der-leyen} met Chancellor [Friedrich Merz]{person friedrich-merz}. [Von der Leyen]{person ursula-von-der-leyen} said the talks went well, and [von der Leyen]{person ursula-von-der-leyen} left. Minister [Maria da Costa]{person maria-da-costa} agreed; [da Costa]{person maria-da-costa} spoke later."#]],
    );
}

proptest::proptest! {
    /// The last words' slug taken from the whole name's equals the slug of the last words,
    /// whatever the words hold: separators, `&`, apostrophes, accents, nothing.
    #[test]
    fn last_words_slug_is_the_slug_of_the_last_words(
        first in "[A-Za-z&.'\u{2019}é–-]{0,6}",
        tail in "[A-Za-z &.'\u{2019}é–-]{0,12}",
    ) {
        let name = format!("{first} {tail}");
        let whole = slug(&name);
        proptest::prop_assert_eq!(last_words_slug(&whole, &slug(&first)), slug(&tail));
    }
}

proptest::proptest! {
    /// Packed keys order candidates exactly as the tuples they stand for.
    #[test]
    fn packed_resolution_order_is_the_tuple_order(
        spans in proptest::collection::vec((0usize..300, 0usize..40, 0u8..4), 0..200),
    ) {
        let tiers = [Tier::Lexicon, Tier::KnowledgeBase, Tier::Rule, Tier::Value];
        let candidates: Vec<(TextRange, Tier)> = spans
            .into_iter()
            .map(|(start, len, tier)| (TextRange::new(start, start + len), tiers[usize::from(tier)]))
            .collect();
        proptest::prop_assert_eq!(
            resolution_order(&candidates),
            resolution_order_by_tuples(&candidates)
        );
    }
}

#[test]
fn names_that_only_end_alike_keep_their_own_keys() {
    check(
        "Energy agencies\nThe Velmar Energy Agency (VEA) and the International Energy Agency (IEA) met; the Energy Agency of Velmar was not there.",
        expect![[r#"
            Energy agencies
            The [Velmar Energy Agency]{org vea} ([VEA]{org vea}) and the [International Energy Agency]{org iea} ([IEA]{org iea}) met; the [Energy Agency of Velmar]{org energy-agency-of-velmar} was not there.
            VEA = Velmar Energy Agency (org vea)
            IEA = International Energy Agency (org iea)"#]],
    );
}
