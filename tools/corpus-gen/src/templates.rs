//! Sentence and title templates. A template is text with `{slot}` placeholders; it is
//! parsed once into segments so that writing an article never re-scans template text.

use crate::vocab::Topic;

/// What a placeholder stands for; see `article.rs` for how each one is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    Ministry,
    MinistryShort,
    Agency,
    AgencyShort,
    Company,
    IntlOrg,
    IntlShort,
    Official,
    Official2,
    Foreign,
    Home,
    HomeShort,
    Partner,
    PartnerShort,
    PartnerAdj,
    City,
    PartnerCity,
    Region,
    CapitalArea,
    LineItem,
    Agreement,
    AgreementShort,
    SideAgreement,
    Regulation,
    RegulationShort,
    Event,
    EventTitle,
    News,
    OnPast,
    WhenPast,
    WhenFuture,
    FromToFuture,
    FromToPast,
    YearSpan,
    PlanSpan,
    TargetYear,
    ThisPeriod,
    PastMonth,
    PastYearPhrase,
    YearPast,
    Decade,
    TitleWhen,
    TitleWhenLower,
    TitlePastMonth,
    TitlePastYear,
    TitleYear,
    Money,
    MonthlyExports,
    MoneyWon,
    Percent,
    Count,
    Ordinal,
    OrdinalTitle,
    Sector,
    Sectors,
    SectorTitle,
    Product,
    ProductTitle,
    DefenseItem,
    Quote,
    Post,
    Emoji,
}

const SLOT_NAMES: &[(&str, Slot)] = &[
    ("ministry", Slot::Ministry),
    ("ministry_short", Slot::MinistryShort),
    ("agency", Slot::Agency),
    ("agency_short", Slot::AgencyShort),
    ("company", Slot::Company),
    ("intl_org", Slot::IntlOrg),
    ("intl_short", Slot::IntlShort),
    ("official", Slot::Official),
    ("official2", Slot::Official2),
    ("foreign", Slot::Foreign),
    ("home", Slot::Home),
    ("home_short", Slot::HomeShort),
    ("partner", Slot::Partner),
    ("partner_short", Slot::PartnerShort),
    ("partner_adj", Slot::PartnerAdj),
    ("city", Slot::City),
    ("pcity", Slot::PartnerCity),
    ("region", Slot::Region),
    ("capital_area", Slot::CapitalArea),
    ("line_item", Slot::LineItem),
    ("agreement", Slot::Agreement),
    ("agreement_short", Slot::AgreementShort),
    ("side_agreement", Slot::SideAgreement),
    ("regulation", Slot::Regulation),
    ("regulation_short", Slot::RegulationShort),
    ("event", Slot::Event),
    ("event_title", Slot::EventTitle),
    ("news", Slot::News),
    ("on_past", Slot::OnPast),
    ("when_past", Slot::WhenPast),
    ("when_future", Slot::WhenFuture),
    ("from_to_future", Slot::FromToFuture),
    ("from_to_past", Slot::FromToPast),
    ("year_span", Slot::YearSpan),
    ("plan_span", Slot::PlanSpan),
    ("target_year", Slot::TargetYear),
    ("this_period", Slot::ThisPeriod),
    ("past_month", Slot::PastMonth),
    ("past_year_phrase", Slot::PastYearPhrase),
    ("year_past", Slot::YearPast),
    ("decade", Slot::Decade),
    ("title_when", Slot::TitleWhen),
    ("title_when_lc", Slot::TitleWhenLower),
    ("title_past_month", Slot::TitlePastMonth),
    ("title_past_year", Slot::TitlePastYear),
    ("title_year", Slot::TitleYear),
    ("money", Slot::Money),
    ("monthly_exports", Slot::MonthlyExports),
    ("money_won", Slot::MoneyWon),
    ("percent", Slot::Percent),
    ("count", Slot::Count),
    ("ordinal", Slot::Ordinal),
    ("ordinal_title", Slot::OrdinalTitle),
    ("sector", Slot::Sector),
    ("sectors", Slot::Sectors),
    ("sector_title", Slot::SectorTitle),
    ("product", Slot::Product),
    ("product_title", Slot::ProductTitle),
    ("defense_item", Slot::DefenseItem),
    ("quote", Slot::Quote),
    ("post", Slot::Post),
    ("emoji", Slot::Emoji),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Segment {
    Text(&'static str),
    Slot(Slot),
}

pub type Template = Vec<Segment>;

/// Splits template text into literal runs and slots. An unknown `{name}` stays literal
/// text, so a typo shows up in the output (and in the tests) instead of aborting a run.
pub fn parse(text: &'static str) -> Template {
    let mut segments = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|offset| open + offset) else {
            break;
        };
        let name = &rest[open + 1..close];
        match SLOT_NAMES.iter().find(|(slot_name, _)| *slot_name == name) {
            Some(&(_, slot)) => {
                if open > 0 {
                    segments.push(Segment::Text(&rest[..open]));
                }
                segments.push(Segment::Slot(slot));
            }
            None => segments.push(Segment::Text(&rest[..=close])),
        }
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        segments.push(Segment::Text(rest));
    }
    segments
}

/// Every template family, parsed.
pub struct Templates {
    pub titles: Vec<(Topic, Template)>,
    pub wire_titles: Vec<Template>,
    pub photo_titles: Vec<Template>,
    pub openers: Vec<(Topic, Template)>,
    pub topic_body: Vec<(Topic, Template)>,
    pub body: Vec<Template>,
    pub closers: Vec<Template>,
    pub social: Vec<Template>,
    pub photo_body: Vec<Template>,
    pub quotes: Vec<(Topic, Template)>,
    pub posts: Vec<Template>,
}

impl Templates {
    pub fn new() -> Templates {
        let by_topic = |items: &[(Topic, &'static str)]| -> Vec<(Topic, Template)> {
            items
                .iter()
                .map(|&(topic, text)| (topic, parse(text)))
                .collect()
        };
        let plain = |items: &[&'static str]| -> Vec<Template> {
            items.iter().map(|&text| parse(text)).collect()
        };
        Templates {
            titles: by_topic(TITLES),
            wire_titles: plain(WIRE_TITLES),
            photo_titles: plain(PHOTO_TITLES),
            openers: by_topic(OPENERS),
            topic_body: by_topic(TOPIC_BODY),
            body: plain(BODY),
            closers: plain(CLOSERS),
            social: plain(SOCIAL),
            photo_body: plain(PHOTO_BODY),
            quotes: by_topic(QUOTES),
            posts: plain(POSTS),
        }
    }

    /// All template texts, for tests that check every slot name resolves.
    #[cfg(test)]
    pub fn all_texts() -> Vec<&'static str> {
        let mut texts: Vec<&'static str> = Vec::new();
        for family in [TITLES, OPENERS, TOPIC_BODY, QUOTES] {
            texts.extend(family.iter().map(|(_, text)| *text));
        }
        for family in [
            WIRE_TITLES,
            PHOTO_TITLES,
            BODY,
            CLOSERS,
            SOCIAL,
            PHOTO_BODY,
            POSTS,
        ] {
            texts.extend(family.iter().copied());
        }
        texts
    }
}

use Topic::*;

const TITLES: &[(Topic, &str)] = &[
    (
        Trade,
        "{home_short} and {partner_short} Agree to Accelerate {agreement_short} Talks",
    ),
    (
        Trade,
        "{ministry_short} Convenes {event_title}, Reviews {agreement_short} Implementation",
    ),
    (
        Trade,
        "{home_short}–{partner_short} Trade Talks Enter Final Stage in {pcity}",
    ),
    (
        Trade,
        "{ordinal_title} Round of {agreement_short} Upgrade Negotiations Wraps Up in {pcity}",
    ),
    (
        Trade,
        "Ministry Prepares for {event_title}, Eyes Deal {title_when}",
    ),
    (
        Tariffs,
        "Government Steps Up Support for Exporters Hit by {partner_short} Tariffs on {product_title}",
    ),
    (
        Tariffs,
        "{home_short} Seeks Exemption From {partner_short} {product_title} Tariffs",
    ),
    (
        Tariffs,
        "{ministry_short} Launches {money} Emergency Loan Program for Exporters",
    ),
    (
        Investment,
        "Foreign Direct Investment Pledges Reach {money} in {title_past_year}",
    ),
    (
        Investment,
        "{ministry_short} Unveils {money} Package to Steer Foreign Investment to Regions",
    ),
    (
        Investment,
        "{partner_short} Companies Pledge {money} for {sector_title} Projects in {home_short}",
    ),
    (
        Industry,
        "Government to Invest {money} in {sector_title} by {title_year}",
    ),
    (
        Industry,
        "{ministry_short} Announces Roadmap to Strengthen {sector_title} Supply Chains",
    ),
    (
        Energy,
        "{home_short} and {partner_short} Launch Partnership on Hydrogen and Nuclear Power",
    ),
    (
        Energy,
        "Exporters Prepare for Full Rollout of {regulation_short}",
    ),
    (
        Energy,
        "{ministry_short}, {agency_short} Hold Briefing on {regulation_short} for Small Exporters",
    ),
    (
        Security,
        "{home_short}, {intl_short} Agree to Expand Defense Industry Cooperation",
    ),
    (
        Security,
        "{agency_short} Signs {money} Defense Export Deal With {partner_short}",
    ),
    (
        Standards,
        "{agency_short} Hosts {event_title} on AI and Battery Standards",
    ),
    (
        Standards,
        "{home_short} and {partner_short} to Co-Develop International Standards for {sector_title}",
    ),
    (
        Exports,
        "Exports Rise {percent} in {title_past_month}, Led by {sector_title}",
    ),
    (
        Exports,
        "{sector_title} Shipments Hit Record High as Exports Extend Gains",
    ),
];

const WIRE_TITLES: &[&str] = &[
    "{home_short}, {partner_short} to hold talks on {sector} {title_when_lc}",
    "{home_short} official says {partner_short} tariff talks ‘on track’",
    "{partner_short} envoy urges {home_short} firms to expand investment in {sector}",
    "{home_short} to seek exemption from {partner_short} tariffs on {product}",
    "{home_short}, {intl_short} agree to set up consultative body on {sector}",
    "Exports rise {percent} in {title_past_month} on strong {sector} demand",
];

const PHOTO_TITLES: &[&str] = &[
    "[Photo News] Cargo Ships Line Up at {city} Port as Exports Rebound",
    "[Photo News] New {sector_title} Line Opens in {city}",
    "[Photo News] {home_short} and {partner_short} Ministers Meet in {pcity}",
    "[Photo News] Workers Inspect Battery Cells at {city} Plant",
];

const OPENERS: &[(Topic, &str)] = &[
    (
        Trade,
        "{ministry} convened the {event} {on_past} at the Government Complex in {city} to review progress in talks on the {agreement}.",
    ),
    (
        Trade,
        "{official} met {foreign} in {pcity} {on_past} to discuss the {agreement} and trade frictions over {product}.",
    ),
    (
        Trade,
        "{home} and {partner} wrapped up the {ordinal} round of negotiations to upgrade the {agreement} in {pcity} {on_past}, {ministry} said.",
    ),
    (
        Trade,
        "{ministry} said {on_past} that {home} and {partner} had agreed to speed up talks on the {agreement}, aiming for a deal {when_future}.",
    ),
    (
        Tariffs,
        "{ministry} said {on_past} that it would set up an emergency task force to help exporters cope with new tariffs on {product} imposed by {partner}.",
    ),
    (
        Tariffs,
        "{official} chaired an inter-agency meeting {on_past} to assess the impact of a tariff of {percent} that {partner} plans to impose on {product} {when_future}.",
    ),
    (
        Tariffs,
        "The government will extend {money} in emergency loans to small exporters hit by tariffs on {product}, {ministry} announced {on_past}.",
    ),
    (
        Investment,
        "{ministry} announced {on_past} a {money} incentive package to draw foreign direct investment in {sector} to regions outside the {capital_area}.",
    ),
    (
        Investment,
        "Foreign direct investment pledged to {home} reached {money} {past_year_phrase}, up {percent} from a year earlier, {ministry} said {on_past}.",
    ),
    (
        Investment,
        "{official} hosted an investor relations session for {count} {partner_adj} companies in {pcity} {on_past}, presenting incentives for investment in {sectors}.",
    ),
    (
        Industry,
        "{ministry} unveiled a plan {on_past} to invest {money} in {sector} {plan_span}, as global competition in advanced manufacturing intensifies.",
    ),
    (
        Industry,
        "{official} visited a {line_item} plant run by {company} in {city} {on_past} and promised faster permits for new production lines.",
    ),
    (
        Industry,
        "The government will designate {count} new specialized industrial complexes for {sector} {when_future}, {ministry} said {on_past}.",
    ),
    (
        Energy,
        "{ministry} and {agency} held a briefing for {count} exporters in {city} {on_past} on how to prepare for the {regulation}.",
    ),
    (
        Energy,
        "{home} and {partner} signed a memorandum of understanding on hydrogen and small modular reactors in {pcity} {on_past}, {ministry} said.",
    ),
    (
        Energy,
        "{official} met executives of {company} {on_past} to discuss the {regulation} and the cost of emissions reporting for {product}.",
    ),
    (
        Security,
        "{home} and {partner} agreed {on_past} to deepen defense industry cooperation, including joint production of {defense_item}, {ministry} said.",
    ),
    (
        Security,
        "{ministry} and {agency} hosted a roundtable with {count} defense companies in {city} {on_past} ahead of talks with {intl_org}.",
    ),
    (
        Security,
        "{official} met {foreign} in {pcity} {on_past} to discuss supply chains for {defense_item} and cooperation with {intl_org}.",
    ),
    (
        Standards,
        "{agency} hosted the {event} in {city} {from_to_past}, bringing together about {count}0 experts from government, industry and academia.",
    ),
    (
        Standards,
        "{ministry} said {on_past} that {home} and {partner} would jointly propose {count} international standards for {sector} to {intl_org}.",
    ),
    (
        Exports,
        "{home}’s exports rose {percent} on-year in {past_month} to {monthly_exports}, led by {sectors}, according to {ministry}.",
    ),
    (
        Exports,
        "Outbound shipments of {product} reached a record {money} in {past_month}, {ministry} said {on_past}.",
    ),
    (
        Exports,
        "{home} posted a trade surplus of {money} in {past_month}, the {ordinal} monthly surplus in a row, {ministry} said {on_past}.",
    ),
];

const TOPIC_BODY: &[(Topic, &str)] = &[
    (
        Trade,
        "The upgrade would add new chapters on digital trade, supply chains and clean energy to the {agreement}.",
    ),
    (
        Trade,
        "Negotiators narrowed their differences on rules of origin for {product} but left market access for services to the next round.",
    ),
    (
        Trade,
        "{official} said the government would seek a conclusion {when_future}, as both leaders agreed at their summit {when_past}.",
    ),
    (
        Trade,
        "Officials said the {agreement} had helped bilateral trade grow by {percent} since it took effect in {year_past}.",
    ),
    (
        Tariffs,
        "{partner} imposed a tariff of {percent} on {product} {when_past}, and exporters have since reported a sharp fall in orders.",
    ),
    (
        Tariffs,
        "The government will ask {partner} to apply the {agreement} rate to {product} rather than the new duty.",
    ),
    (
        Tariffs,
        "Shipments of {product} to {partner} fell {percent} {when_past}, according to {agency}.",
    ),
    (
        Investment,
        "Companies that invest at least {money} in a regional industrial complex will receive cash grants of up to {percent} of the investment.",
    ),
    (
        Investment,
        "About {percent} of foreign direct investment in {home} {year_span} went to the {capital_area}, the ministry said.",
    ),
    (
        Industry,
        "The plan includes {money} in policy loans and tax credits of up to {percent} for facility investment.",
    ),
    (
        Industry,
        "{company} plans to start a new {line_item} line in {city} {when_future}.",
    ),
    (
        Energy,
        "Under the {regulation}, importers must report the emissions embedded in {product} and buy certificates to cover them.",
    ),
    (
        Energy,
        "The government will cover up to {percent} of the cost of third-party verification for small exporters.",
    ),
    (
        Energy,
        "{agency} estimates that the {regulation} could add {money} a year to the costs of exporters in {home}.",
    ),
    (
        Security,
        "Defense exports from {home} rose to {money} {past_year_phrase}, with {partner} the largest buyer.",
    ),
    (
        Security,
        "The two sides agreed to set up a director-general level consultative body on defense industry cooperation.",
    ),
    (
        Security,
        "{intl_org} has called on its members to double ammunition production {target_year}.",
    ),
    (
        Standards,
        "The two agencies agreed to co-author proposals on testing methods for {sector} to be submitted to {intl_org}.",
    ),
    (
        Standards,
        "{agency} will spend {money} on a new testbed for {sector} {plan_span}.",
    ),
    (
        Exports,
        "Imports fell {percent} to {monthly_exports}, while energy imports dropped {percent} on lower oil prices.",
    ),
    (
        Exports,
        "Shipments to {region} rose {percent}, while exports to {partner} grew for the {ordinal} month in a row.",
    ),
    (
        Exports,
        "Semiconductor exports alone reached {money}, up {percent} from a year earlier.",
    ),
];

const BODY: &[&str] = &[
    "Participants also reviewed supply chains for {sector} and agreed to share information on export controls more quickly.",
    "The two sides agreed to hold the next meeting in {pcity} {when_future}.",
    "“{quote},” {official} said.",
    "{official} said, “{quote}.”",
    "{official} stressed the need for “close coordination across ministries” as the external environment grows more uncertain.",
    "{foreign} said {partner} regarded {home} as “a partner we can build with,” and proposed a joint working group on {sector}.",
    "According to {agency}, {count} companies have applied for the program since {past_month}.",
    "{ministry} plans to announce detailed measures {when_future}.",
    "Trade between the two countries reached {money} {past_year_phrase}, up {percent} from the previous year.",
    "{home} has invested {money} in {partner} since {year_past}, mostly in {sectors}.",
    "The government also plans to expand trade insurance and export financing by {money} {this_period}.",
    "{company} and {company} are expected to take part in the first pilot projects.",
    "Officials from {count} ministries and agencies attended the meeting, along with representatives of {agency}.",
    "The measures follow a survey in which {percent} of exporters named rising logistics costs as their main concern.",
    "Demand for {sector} in {region} is expected to grow by {percent} a year {plan_span}.",
    "{ministry} will also step up consultations with {intl_org} on rules for {sector}.",
    "The ministry said it would closely monitor developments in {partner} and respond together with relevant agencies.",
    "Small and medium-sized enterprises accounted for {percent} of applicants, compared with {percent} {past_year_phrase}.",
    "Each eligible company can receive up to {money_won} for consulting, testing and certification.",
    "A help desk run by {agency} will open in {pcity} {when_future}.",
    "{home} and {partner} also exchanged views on the {side_agreement} and on the reform of {intl_org}.",
    "{official2} met {foreign} on the sidelines of the meeting and invited {partner_adj} companies to invest in {city}.",
    "The agreement is expected to cut tariffs on {product} by {percent} within five years.",
    "The event, held {this_period}, drew participants from {count} countries.",
    "{home} ranks among the top five suppliers of {product} to {partner}.",
    "The government has earmarked {money} for the program {plan_span}.",
    "Since {decade}, {home} has been one of the most important partners of {partner} in {sector}.",
    "The first results of the joint study are expected {when_future}.",
    "Industry groups welcomed the decision, saying it would give companies the predictability they need.",
    "The meeting came {count} days after {partner} announced tighter screening of foreign investment.",
    "Representatives of {company}, {company} and {company} briefed officials on their investment plans.",
    "{official2} said the ministry would “leave no stone unturned” in supporting companies affected by the measures.",
    "The ministry aims to raise the share of exports to emerging markets to {percent} {target_year}.",
    "Both governments pledged to keep working-level channels open {this_period} to avoid surprises.",
    "{foreign}, who is visiting {home} {from_to_future}, is also scheduled to meet executives of {company}.",
    "The session {from_to_future} will also cover the {regulation} and its effect on exporters.",
];

/// Quoted social-media posts; wire stories carry them now and then.
const SOCIAL: &[&str] = &[
    "{foreign} wrote on social media: “{post}”",
    "{official} posted on X after the meeting: “{post}”",
];

const CLOSERS: &[&str] = &[
    "{ministry} will hold the next meeting {when_future}.",
    "The ministry will continue to consult industry and relevant agencies on follow-up measures.",
    "Further details will be announced {when_future}.",
    "{home} and {partner} plan to review progress at a ministerial meeting {when_future}.",
    "The government will report the results to the {event} {when_future}.",
];

const PHOTO_BODY: &[&str] = &[
    "Container ships wait to load at a port in {city} {on_past}.",
    "Officials attend a ceremony marking the start of operations at a {line_item} plant in {city} {on_past}.",
    "{home}’s exports rose {percent} on-year in {past_month} to {monthly_exports}, led by {sectors}.",
    "{official} and {foreign} shake hands before their talks in {pcity} {on_past}.",
    "The government expects exports to grow {percent} {this_period}.",
];

const QUOTES: &[(Topic, &str)] = &[
    (
        Trade,
        "We will use every channel to keep markets open for our exporters",
    ),
    (
        Trade,
        "An upgraded agreement has to reflect how trade works today, from data flows to supply chains",
    ),
    (
        Trade,
        "The negotiations are entering their most demanding phase, and we intend to finish the job",
    ),
    (
        Tariffs,
        "No company should have to face these tariffs alone",
    ),
    (
        Tariffs,
        "We will respond calmly but firmly to measures that run against the agreement",
    ),
    (
        Investment,
        "Investors are looking beyond the capital region, and we will meet them there",
    ),
    (
        Investment,
        "Incentives only work when land, power and people are ready at the same time",
    ),
    (
        Industry,
        "The next five years will decide who leads in advanced manufacturing",
    ),
    (Industry, "Scale matters, and so does speed"),
    (
        Energy,
        "Carbon data has become part of the price of every product we export",
    ),
    (
        Energy,
        "Clean energy supply chains are the industrial policy of this decade",
    ),
    (
        Security,
        "Defense industry cooperation is also a commitment to shared security",
    ),
    (
        Security,
        "Trust between partners is built one joint project at a time",
    ),
    (
        Standards,
        "Standards are where technology turns into markets",
    ),
    (Standards, "Whoever writes the standards shapes the market"),
    (
        Exports,
        "Exports are holding up well, but the external environment remains uncertain",
    ),
    (Exports, "We will not be complacent about the risks ahead"),
];

const POSTS: &[&str] = &[
    "Productive talks in {pcity} today {emoji} {sector} and clean energy on the table {emoji}",
    "Proud to deepen our partnership with {home} {emoji} Next stop: implementation {emoji}",
    "Another step forward for the {agreement} {emoji} Good for workers on both sides {emoji}",
    "Great meeting with {official} {emoji} More trade, more jobs {emoji}",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_placeholder_names_a_slot() {
        for text in Templates::all_texts() {
            for segment in parse(text) {
                if let Segment::Text(literal) = segment {
                    assert!(
                        !literal.contains('{') && !literal.contains('}'),
                        "unknown slot in {text:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn parse_splits_text_and_slots() {
        assert_eq!(
            parse("{home} and {partner}."),
            vec![
                Segment::Slot(Slot::Home),
                Segment::Text(" and "),
                Segment::Slot(Slot::Partner),
                Segment::Text("."),
            ]
        );
        assert_eq!(
            parse("a {nope} b"),
            vec![Segment::Text("a {nope}"), Segment::Text(" b")]
        );
        assert_eq!(parse("open { only"), vec![Segment::Text("open { only")]);
    }

    #[test]
    fn every_topic_has_titles_openers_and_quotes() {
        let templates = Templates::new();
        for &topic in crate::vocab::TOPICS {
            assert!(
                templates.titles.iter().any(|(t, _)| *t == topic),
                "{topic:?}"
            );
            assert!(
                templates.openers.iter().any(|(t, _)| *t == topic),
                "{topic:?}"
            );
            assert!(
                templates.quotes.iter().any(|(t, _)| *t == topic),
                "{topic:?}"
            );
            assert!(
                templates.topic_body.iter().any(|(t, _)| *t == topic),
                "{topic:?}"
            );
        }
    }
}
