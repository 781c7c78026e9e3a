//! One article: a topic, a style and a cast are drawn, then the title, body and date
//! marker are written. In tagged articles part of the mentions get inline tags whose
//! keys and values are right by construction (dates are resolved against the article
//! date here, where the expression is made); a few articles carry one planted error.

use crate::calendar::{Date, MONTH_NAMES, shift_month};
use crate::rng::Rng;
use crate::templates::{Segment, Slot, Template, Templates};
use crate::vocab::{self, Agreement, Country, Official, Org, Regulation, Topic};

/// How often, per mille, the corpus shows each feature.
#[derive(Clone, Debug)]
pub struct Mix {
    /// Articles that carry tags at all.
    pub tagged: u64,
    /// Mentions tagged within a tagged article, so tagged articles stay partly tagged.
    pub tag_each: u64,
    /// Articles with one planted error (unclosed tag, unknown type, impossible date).
    pub malformed: u64,
    /// Articles without a date marker.
    pub undated: u64,
    /// Date markers on a line of their own rather than glued to the last sentence.
    pub own_line_marker: u64,
}

impl Default for Mix {
    fn default() -> Mix {
        Mix {
            tagged: 300,
            tag_each: 650,
            malformed: 10,
            undated: 30,
            own_line_marker: 250,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Style {
    Release,
    Wire,
    Photo,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Malformation {
    UnclosedTag,
    UnknownType,
    InvalidMarker,
}

/// The attributes a tag gets.
enum Attr<'a> {
    Ref(&'a str),
    Value(&'a str),
    Money(&'a str),
    Bare,
}

struct Person {
    title: &'static str,
    name: String,
    short: String,
    key: String,
    native: Option<String>,
    mentioned: bool,
}

impl Person {
    fn from_official(official: &Official) -> Person {
        Person {
            title: official.title,
            name: official.name.to_owned(),
            short: official.short.to_owned(),
            key: official.key.to_owned(),
            native: official.native.map(str::to_owned),
            mentioned: false,
        }
    }

    /// A generated Korean name such as `Park Seo-yeon (박서연)`.
    fn korean(rng: &mut Rng, title: &'static str) -> Person {
        let &(surname, surname_hangul) = rng.pick(vocab::SURNAMES).unwrap_or(&("Kim", "김"));
        let &(given, given_hangul) = rng.pick(vocab::GIVEN_NAMES).unwrap_or(&("Min-jun", "민준"));
        let name = format!("{surname} {given}");
        Person {
            title,
            key: name.to_ascii_lowercase().replace(' ', "-"),
            name,
            short: surname.to_owned(),
            native: Some(format!("{surname_hangul}{given_hangul}")),
            mentioned: false,
        }
    }
}

/// An organisation of the cast and whether its acronym has been defined yet.
struct CastOrg {
    org: &'static Org,
    defined: bool,
}

struct Article<'a> {
    rng: &'a mut Rng,
    templates: &'a Templates,
    mix: &'a Mix,
    date: Date,
    topic: Topic,
    style: Style,
    tagged: bool,
    malformation: Option<Malformation>,
    malformation_written: bool,
    /// Tagged mentions to write before the planted tag error, so it is not always in
    /// the title.
    mentions_before_malformation: u64,
    ministry: CastOrg,
    ministry_head: Person,
    agency: CastOrg,
    intl: CastOrg,
    official: Person,
    official2: Person,
    foreign: Person,
    partner: &'static Country,
    city: (&'static str, &'static str),
    regulation: &'static Regulation,
    regulation_defined: bool,
    event_name: String,
    event_key: String,
    event_mentioned: bool,
    recent_companies: [usize; 2],
}

/// Appends one article (title, body, date marker, final newline) to `out`.
pub fn write_article(templates: &Templates, mix: &Mix, rng: &mut Rng, out: &mut String) {
    let mut article = Article::draw(templates, mix, rng);
    article.write(out);
}

/// The first and last day articles are dated.
const FIRST_DAY: Date = Date {
    year: 2019,
    month: 1,
    day: 1,
};
const LAST_DAY: Date = Date {
    year: 2026,
    month: 12,
    day: 31,
};

impl<'a> Article<'a> {
    fn draw(templates: &'a Templates, mix: &'a Mix, rng: &'a mut Rng) -> Article<'a> {
        let first = FIRST_DAY.to_days();
        let date = Date::from_days(rng.range(first, LAST_DAY.to_days()));
        let topic = *rng.pick(vocab::TOPICS).unwrap_or(&Topic::Trade);
        let style = match rng.below(100) {
            0..=59 => Style::Release,
            60..=93 => Style::Wire,
            _ => Style::Photo,
        };
        let malformation = if rng.chance(mix.malformed) {
            Some(match rng.below(5) {
                0 | 1 => Malformation::UnclosedTag,
                2 | 3 => Malformation::UnknownType,
                _ => Malformation::InvalidMarker,
            })
        } else {
            None
        };
        let mentions_before_malformation = rng.below(12);
        // A planted tag error needs tags around it.
        let tagged = rng.chance(mix.tagged)
            || matches!(
                malformation,
                Some(Malformation::UnclosedTag | Malformation::UnknownType)
            );

        let ministry_index = match topic {
            Topic::Security if rng.chance(500) => vocab::DEFENSE_MINISTRY,
            Topic::Energy if rng.chance(400) => vocab::CLIMATE_MINISTRY,
            _ if rng.chance(850) => vocab::TRADE_MINISTRY,
            _ => rng.below(vocab::MINISTRIES.len() as u64) as usize,
        };
        let ministry = &vocab::MINISTRIES[ministry_index.min(vocab::MINISTRIES.len() - 1)];
        let agency = match topic {
            Topic::Security => &vocab::AGENCIES[vocab::DAPA],
            Topic::Standards => &vocab::AGENCIES[vocab::KATS],
            Topic::Investment => &vocab::AGENCIES[vocab::KOTRA],
            _ => pick_or(rng, vocab::AGENCIES, &vocab::AGENCIES[vocab::KOTRA]),
        };
        let intl = match topic {
            Topic::Security => &vocab::INTERNATIONAL_ORGS[vocab::NATO],
            Topic::Standards => &vocab::INTERNATIONAL_ORGS[vocab::ISO],
            _ => pick_or(
                rng,
                vocab::INTERNATIONAL_ORGS,
                &vocab::INTERNATIONAL_ORGS[vocab::WTO],
            ),
        };
        let partner = pick_or(rng, vocab::PARTNERS, &vocab::PARTNERS[0]);

        // The trade ministry's real leaders appear in part of its releases.
        let real_leaders = ministry.key == "motir" && rng.chance(350);
        let (official, ministry_head) = if real_leaders {
            let leader = rng.below(vocab::KOREAN_LEADERS.len() as u64) as usize;
            (
                Person::from_official(&vocab::KOREAN_LEADERS[leader]),
                Person::from_official(&vocab::KOREAN_LEADERS[vocab::TRADE_MINISTER]),
            )
        } else {
            let title = *rng.pick(vocab::KOREAN_TITLES).unwrap_or(&"Vice Minister");
            let official = Person::korean(rng, title);
            (official, Person::korean(rng, ministry.head_title))
        };
        let second_title = *rng.pick(vocab::KOREAN_TITLES).unwrap_or(&"Vice Minister");
        let official2 = Person::korean(rng, second_title);
        let foreign = match rng.pick(partner.officials) {
            Some(official) => Person::from_official(official),
            None => Person::korean(rng, "Ambassador"),
        };
        let city = *rng
            .pick(vocab::KOREAN_CITIES)
            .unwrap_or(&("Seoul", "seoul"));
        let regulation = match topic {
            Topic::Energy => {
                let choice = rng.below(vocab::ENERGY_REGULATIONS.len() as u64) as usize;
                &vocab::REGULATIONS[vocab::ENERGY_REGULATIONS[choice]]
            }
            _ => pick_or(rng, vocab::REGULATIONS, &vocab::REGULATIONS[0]),
        };
        let &(event_pattern, event_stem) = match topic {
            Topic::Standards => &vocab::NUMBERED_EVENTS[vocab::STANDARDS_FORUM],
            Topic::Security => &vocab::NUMBERED_EVENTS[vocab::DEFENSE_COMMITTEE],
            Topic::Investment => &vocab::NUMBERED_EVENTS[vocab::FDI_COUNCIL],
            Topic::Trade if rng.chance(500) => {
                &vocab::NUMBERED_EVENTS[vocab::TRADE_PROMOTION_COMMITTEE]
            }
            _ => pick_or(
                rng,
                vocab::NUMBERED_EVENTS,
                &vocab::NUMBERED_EVENTS[vocab::TRADE_PROMOTION_COMMITTEE],
            ),
        };
        let number = if event_stem == "trade-promotion-committee" {
            rng.range(30, 70) as u32
        } else {
            rng.range(1, 25) as u32
        };
        let ordinal = if number <= 10 && rng.chance(300) {
            vocab::ORDINAL_WORDS[(number - 1) as usize].to_owned()
        } else {
            numeric_ordinal(number)
        };
        let event_name = format!("{ordinal} {}", event_pattern.replace("{P}", partner.short));
        let partner_part = if event_pattern.contains("{P}") {
            format!("korea-{}-", partner.key)
        } else {
            String::new()
        };
        let event_key = format!("{partner_part}{event_stem}-{number}");

        Article {
            rng,
            templates,
            mix,
            date,
            topic,
            style,
            tagged,
            malformation,
            malformation_written: false,
            mentions_before_malformation,
            ministry: CastOrg {
                org: ministry,
                defined: false,
            },
            ministry_head,
            agency: CastOrg {
                org: agency,
                defined: false,
            },
            intl: CastOrg {
                org: intl,
                defined: false,
            },
            official,
            official2,
            foreign,
            partner,
            city,
            regulation,
            regulation_defined: false,
            event_name,
            event_key,
            event_mentioned: false,
            recent_companies: [usize::MAX; 2],
        }
    }

    fn write(&mut self, out: &mut String) {
        let templates = self.templates;
        let start = out.len();
        // Title.
        let title = match self.style {
            Style::Photo => self.pick_plain(&templates.photo_titles),
            Style::Wire if self.rng.chance(500) => self.pick_plain(&templates.wire_titles),
            _ => self.pick_topical(&templates.titles),
        };
        self.render(title, out);
        capitalize_from(out, start);
        out.push('\n');
        if self.style == Style::Wire && self.rng.chance(250) {
            out.push_str(self.rng.pick(vocab::BYLINES).unwrap_or(&"- Korea Herald"));
            out.push('\n');
        }

        // Body: an opener, topical and general sentences, sometimes a closing line.
        let sentence_count = match self.style {
            Style::Photo => self.rng.range(2, 4) as usize,
            _ if self.rng.chance(80) => self.rng.range(20, 40) as usize,
            _ => (3 + self.rng.below(12) + self.rng.below(12)) as usize,
        };
        let mut sentences: Vec<&'a Template> = Vec::with_capacity(sentence_count);
        match self.style {
            Style::Photo => {
                // Captions are short: draw distinct sentences.
                for _ in 0..sentence_count {
                    let mut template = self.pick_plain(&templates.photo_body);
                    for _ in 0..6 {
                        if !sentences.iter().any(|used| std::ptr::eq(*used, template)) {
                            break;
                        }
                        template = self.pick_plain(&templates.photo_body);
                    }
                    sentences.push(template);
                }
            }
            _ => {
                sentences.push(self.pick_topical(&templates.openers));
                for index in 1..sentence_count {
                    let last = index + 1 == sentence_count;
                    // Redraw a few times so that an article seldom repeats a sentence.
                    let mut template = self.body_sentence(last);
                    for _ in 0..4 {
                        if !sentences.iter().any(|used| std::ptr::eq(*used, template)) {
                            break;
                        }
                        template = self.body_sentence(last);
                    }
                    sentences.push(template);
                }
            }
        }

        let mut paragraph_left = self.paragraph_length();
        for (index, template) in sentences.iter().enumerate() {
            if index > 0 {
                match self.style {
                    Style::Release if paragraph_left == 0 => {
                        out.push('\n');
                        if self.rng.chance(150) {
                            out.push('\n');
                        }
                        paragraph_left = self.paragraph_length();
                    }
                    Style::Wire => {
                        out.push('\n');
                        if self.rng.chance(100) {
                            out.push('\n');
                        }
                    }
                    _ => out.push(' '),
                }
            }
            if index == 0 && self.style == Style::Wire && self.rng.chance(600) {
                self.dateline(out);
            }
            let sentence_start = out.len();
            self.render(template, out);
            capitalize_from(out, sentence_start);
            paragraph_left = paragraph_left.saturating_sub(1);
        }
        if self.style != Style::Release && self.rng.chance(700) {
            let &(agency, key) = self
                .rng
                .pick(vocab::NEWS_AGENCIES)
                .unwrap_or(&("Yonhap", "yonhap"));
            out.push_str(" (");
            self.mention(out, agency, "org", Attr::Ref(key));
            out.push(')');
        }
        self.date_marker(out);
        out.push('\n');
    }

    fn body_sentence(&mut self, last: bool) -> &'a Template {
        let templates = self.templates;
        if last && self.rng.chance(500) {
            self.pick_plain(&templates.closers)
        } else if self.style == Style::Wire && self.rng.chance(20) {
            self.pick_plain(&templates.social)
        } else if self.rng.chance(350) {
            self.pick_topical(&templates.topic_body)
        } else {
            self.pick_plain(&templates.body)
        }
    }

    fn paragraph_length(&mut self) -> usize {
        self.rng.range(1, 8) as usize
    }

    fn pick_plain<'t>(&mut self, family: &'t [Template]) -> &'t Template {
        &family[self.rng.below(family.len() as u64) as usize]
    }

    /// A template of the article's topic most of the time, any other otherwise.
    fn pick_topical<'t>(&mut self, family: &'t [(Topic, Template)]) -> &'t Template {
        let topic = self.topic;
        let matching = family.iter().filter(|(t, _)| *t == topic).count() as u64;
        if matching > 0 && self.rng.chance(900) {
            let nth = self.rng.below(matching) as usize;
            if let Some((_, template)) = family.iter().filter(|(t, _)| *t == topic).nth(nth) {
                return template;
            }
        }
        &family[self.rng.below(family.len() as u64) as usize].1
    }

    fn render(&mut self, template: &Template, out: &mut String) {
        for segment in template {
            match *segment {
                Segment::Text(text) => out.push_str(text),
                Segment::Slot(slot) => self.slot(slot, out),
            }
        }
    }

    fn dateline(&mut self, out: &mut String) {
        let (city, key) = if self.rng.chance(600) {
            self.city
        } else {
            (self.partner.capital, self.partner.capital_key)
        };
        self.mention(out, &city.to_uppercase(), "place", Attr::Ref(key));
        out.push_str(" -- ");
    }

    /// Writes `span`, as a tag in tagged articles (most of the time).
    fn mention(&mut self, out: &mut String, span: &str, tag_type: &str, attr: Attr<'_>) {
        let mut planted = matches!(
            self.malformation,
            Some(Malformation::UnclosedTag | Malformation::UnknownType)
        ) && !self.malformation_written;
        if planted && self.mentions_before_malformation > 0 {
            self.mentions_before_malformation -= 1;
            planted = false;
        }
        if !self.tagged || !(planted || self.rng.chance(self.mix.tag_each)) {
            out.push_str(span);
            return;
        }
        out.push('[');
        out.push_str(span);
        out.push_str("]{");
        let mut close = true;
        if planted {
            self.malformation_written = true;
            match self.malformation {
                Some(Malformation::UnknownType) => out.push_str(misspelled(tag_type)),
                _ => {
                    out.push_str(tag_type);
                    close = false;
                }
            }
        } else {
            out.push_str(tag_type);
        }
        match attr {
            Attr::Ref(key) => {
                out.push_str(" ref=");
                out.push_str(key);
            }
            Attr::Value(value) => {
                out.push_str(" value=");
                out.push_str(value);
            }
            Attr::Money(value) => {
                out.push_str(" value=\"");
                out.push_str(value);
                out.push('"');
            }
            Attr::Bare => {}
        }
        if close {
            out.push('}');
        }
    }

    fn slot(&mut self, slot: Slot, out: &mut String) {
        match slot {
            Slot::Ministry => self.org_mention(OrgRole::Ministry, false, out),
            Slot::MinistryShort => self.org_mention(OrgRole::Ministry, true, out),
            Slot::Agency => self.org_mention(OrgRole::Agency, false, out),
            Slot::AgencyShort => self.org_mention(OrgRole::Agency, true, out),
            Slot::IntlOrg => self.org_mention(OrgRole::International, false, out),
            Slot::IntlShort => self.org_mention(OrgRole::International, true, out),
            Slot::Company => {
                // Lists such as "A, B and C" must not name one company twice.
                let mut index = self.rng.below(vocab::COMPANIES.len() as u64) as usize;
                for _ in 0..4 {
                    if !self.recent_companies.contains(&index) {
                        break;
                    }
                    index = self.rng.below(vocab::COMPANIES.len() as u64) as usize;
                }
                self.recent_companies = [self.recent_companies[1], index];
                let (name, key) = vocab::COMPANIES[index];
                self.mention(out, name, "org", Attr::Ref(key));
            }
            Slot::Official => self.person_mention(PersonRole::Official, out),
            Slot::Official2 => self.person_mention(PersonRole::Second, out),
            Slot::Foreign => self.person_mention(PersonRole::Foreign, out),
            Slot::Home => {
                let &(prefix, name) = self.rng.pick(vocab::HOME_FORMS).unwrap_or(&("", "Korea"));
                out.push_str(prefix);
                self.mention(out, name, "place", Attr::Ref(vocab::HOME_KEY));
            }
            Slot::HomeShort => {
                let name = *self.rng.pick(vocab::HOME_TITLE_FORMS).unwrap_or(&"Korea");
                self.mention(out, name, "place", Attr::Ref(vocab::HOME_KEY));
            }
            Slot::Partner => {
                let partner = self.partner;
                let &(prefix, name) = self.rng.pick(partner.forms).unwrap_or(&("", partner.short));
                out.push_str(prefix);
                self.mention(out, name, "place", Attr::Ref(partner.key));
            }
            Slot::PartnerShort => {
                let partner = self.partner;
                self.mention(out, partner.short, "place", Attr::Ref(partner.key));
            }
            Slot::PartnerAdj => out.push_str(self.partner.adjective),
            Slot::City => {
                let (name, key) = if self.rng.chance(700) {
                    self.city
                } else {
                    *self.rng.pick(vocab::KOREAN_CITIES).unwrap_or(&self.city)
                };
                self.mention(out, name, "place", Attr::Ref(key));
            }
            Slot::PartnerCity => {
                let partner = self.partner;
                self.mention(
                    out,
                    partner.capital,
                    "place",
                    Attr::Ref(partner.capital_key),
                );
            }
            Slot::Region => {
                let &(prefix, name, key) = self
                    .rng
                    .pick(vocab::REGIONS)
                    .unwrap_or(&("", "Europe", "europe"));
                out.push_str(prefix);
                self.mention(out, name, "place", Attr::Ref(key));
            }
            Slot::CapitalArea => {
                let (name, key) = vocab::CAPITAL_AREA;
                self.mention(out, name, "place", Attr::Ref(key));
            }
            Slot::LineItem => {
                out.push_str(self.rng.pick(vocab::LINE_ITEMS).unwrap_or(&"battery cell"))
            }
            Slot::Agreement => {
                let agreement = self.partner.agreement;
                self.agreement_mention(agreement, false, out);
            }
            Slot::AgreementShort => {
                let agreement = self.partner.agreement;
                self.agreement_mention(agreement, true, out);
            }
            Slot::SideAgreement => {
                let agreement: &'static Agreement = self
                    .rng
                    .pick(vocab::SIDE_AGREEMENTS)
                    .copied()
                    .unwrap_or(self.partner.agreement);
                self.agreement_mention(agreement, false, out);
            }
            Slot::Regulation => self.regulation_mention(false, out),
            Slot::RegulationShort => self.regulation_mention(true, out),
            Slot::Event => {
                if self.event_mentioned && self.rng.chance(500) {
                    out.push_str("meeting");
                } else {
                    self.event_mentioned = true;
                    let (name, key) = (self.event_name.clone(), self.event_key.clone());
                    self.mention(out, &name, "event", Attr::Ref(&key));
                }
            }
            Slot::EventTitle => {
                let (name, key) = (self.event_name.clone(), self.event_key.clone());
                self.mention(out, &name, "event", Attr::Ref(&key));
            }
            Slot::News => {
                let &(agency, key) = self
                    .rng
                    .pick(vocab::NEWS_AGENCIES)
                    .unwrap_or(&("Yonhap", "yonhap"));
                self.mention(out, agency, "org", Attr::Ref(key));
            }
            Slot::OnPast => self.on_past(out),
            Slot::WhenPast => self.when_past(out),
            Slot::WhenFuture => self.when_future(out),
            Slot::FromToFuture => {
                let first = self.date.add_days(self.rng.range(5, 60));
                let last = first.add_days(self.rng.range(1, 3));
                self.day_range(first, last, out);
            }
            Slot::FromToPast => {
                let last = self.date.add_days(-self.rng.range(0, 10));
                let first = last.add_days(-self.rng.range(1, 3));
                self.day_range(first, last, out);
            }
            Slot::YearSpan => {
                let year = self.date.year;
                let first = year - self.rng.range(4, 12) as i32;
                let last = year - self.rng.range(1, 2) as i32;
                self.year_range(first, last, out);
            }
            Slot::PlanSpan => {
                let first = self.date.year + self.rng.range(0, 1) as i32;
                let last = first + self.rng.range(2, 5) as i32;
                self.year_range(first, last, out);
            }
            Slot::TargetYear => {
                let year = self.date.year + self.rng.range(2, 10) as i32;
                out.push_str("by ");
                self.date_mention(out, &year.to_string(), &year.to_string());
            }
            Slot::ThisPeriod => self.this_period(out),
            Slot::PastMonth => {
                // Statistics are for the month before the release, as titles say too.
                let (year, month) = shift_month(self.date.year, self.date.month, -1);
                self.date_mention(out, month_name(month), &format!("{year:04}-{month:02}"));
            }
            Slot::PastYearPhrase => {
                if self.rng.chance(600) {
                    let value = (self.date.year - 1).to_string();
                    self.date_mention(out, "last year", &value);
                } else {
                    let year = (self.date.year - self.rng.range(1, 3) as i32).to_string();
                    out.push_str("in ");
                    self.date_mention(out, &year, &year);
                }
            }
            Slot::YearPast => {
                let year = (self.date.year - self.rng.range(3, 15) as i32).to_string();
                self.date_mention(out, &year, &year);
            }
            Slot::Decade => {
                let decade = [1980, 1990, 2000][self.rng.below(3) as usize];
                out.push_str("the ");
                let value = (decade / 10).to_string();
                self.date_mention(out, &format!("{decade}s"), &value);
            }
            Slot::TitleWhen | Slot::TitleWhenLower => {
                let lower = slot == Slot::TitleWhenLower;
                let (span, value) = match self.rng.below(3) {
                    0 => ("Next Week", week_value(self.date.add_days(7))),
                    1 => {
                        let (year, month) = shift_month(self.date.year, self.date.month, 1);
                        ("Next Month", format!("{year:04}-{month:02}"))
                    }
                    _ => ("This Year", self.date.year.to_string()),
                };
                let span = if lower {
                    span.to_lowercase()
                } else {
                    span.to_owned()
                };
                self.date_mention(out, &span, &value);
            }
            Slot::TitlePastMonth => {
                let (year, month) = shift_month(self.date.year, self.date.month, -1);
                self.date_mention(out, month_name(month), &format!("{year:04}-{month:02}"));
            }
            Slot::TitlePastYear => {
                let year = (self.date.year - 1).to_string();
                self.date_mention(out, &year, &year);
            }
            Slot::TitleYear => {
                let year = (self.date.year + self.rng.range(2, 6) as i32).to_string();
                self.date_mention(out, &year, &year);
            }
            Slot::Money => self.money(out),
            Slot::MonthlyExports => {
                // A month of the country's exports or imports: tens of billions of dollars.
                let tenths = self.rng.range(380, 720) as u64;
                let span = format!("USD {} billion", decimal_text(tenths, 1));
                let value = format!("USD {}", tenths * 100_000_000);
                self.mention(out, &span, "money", Attr::Money(&value));
            }
            Slot::MoneyWon => self.money_won(out),
            Slot::Percent => self.percent(out),
            Slot::Count => {
                let count = self.rng.range(3, 60);
                out.push_str(&count.to_string());
            }
            Slot::Ordinal => {
                let index = self.rng.range(1, 7) as usize;
                out.push_str(vocab::ORDINAL_WORDS[index]);
            }
            Slot::OrdinalTitle => {
                let index = self.rng.range(1, 9) as usize;
                out.push_str(vocab::ORDINAL_TITLE_WORDS[index]);
            }
            Slot::Sector => {
                out.push_str(self.rng.pick(vocab::SECTORS).unwrap_or(&"semiconductors"))
            }
            Slot::Sectors => {
                let count = self.rng.range(2, 3) as usize;
                let start = self.rng.below(vocab::SECTORS.len() as u64) as usize;
                for index in 0..count {
                    if index > 0 {
                        out.push_str(if index + 1 == count { " and " } else { ", " });
                    }
                    out.push_str(vocab::SECTORS[(start + index * 5) % vocab::SECTORS.len()]);
                }
            }
            Slot::SectorTitle => {
                out.push_str(self.rng.pick(vocab::SECTOR_TITLES).unwrap_or(&"Chips"))
            }
            Slot::Product => out.push_str(self.rng.pick(vocab::PRODUCTS).unwrap_or(&"steel")),
            Slot::ProductTitle => {
                out.push_str(self.rng.pick(vocab::PRODUCT_TITLES).unwrap_or(&"Steel"))
            }
            Slot::DefenseItem => out.push_str(
                self.rng
                    .pick(vocab::DEFENSE_ITEMS)
                    .unwrap_or(&"air-defense systems"),
            ),
            Slot::Quote => {
                let templates = self.templates;
                let quote = self.pick_topical(&templates.quotes);
                self.render(quote, out);
            }
            Slot::Post => {
                let templates = self.templates;
                let post = self.pick_plain(&templates.posts);
                self.render(post, out);
            }
            Slot::Emoji => out.push_str(self.rng.pick(vocab::EMOJI).unwrap_or(&"🤝")),
        }
    }

    /// An organisation; the first body mention defines its acronym, as releases do:
    /// `the Ministry of … (MOTIR, Minister …)`.
    fn org_mention(&mut self, role: OrgRole, short_form: bool, out: &mut String) {
        let cast = match role {
            OrgRole::Ministry => &self.ministry,
            OrgRole::Agency => &self.agency,
            OrgRole::International => &self.intl,
        };
        let (org, defined) = (cast.org, cast.defined);
        let short = org.short.unwrap_or(org.name);
        let in_title = short_form && !defined;
        if defined || in_title {
            if role == OrgRole::Ministry && !short_form && self.rng.chance(250) {
                out.push_str("the ministry");
            } else {
                self.mention(out, short, "org", Attr::Ref(org.key));
            }
            return;
        }
        if role == OrgRole::International && self.rng.chance(500) {
            self.mention(out, short, "org", Attr::Ref(org.key));
        } else {
            out.push_str("the ");
            self.mention(out, org.name, "org", Attr::Ref(org.key));
            out.push_str(" (");
            self.mention(out, short, "org", Attr::Ref(org.key));
            let with_head = match role {
                OrgRole::Ministry => self.rng.chance(550),
                OrgRole::Agency => self.rng.chance(250),
                OrgRole::International => false,
            };
            if with_head {
                out.push_str(", ");
                if role == OrgRole::Ministry {
                    out.push_str(self.ministry_head.title);
                    out.push(' ');
                    let (name, key) = (
                        self.ministry_head.name.clone(),
                        self.ministry_head.key.clone(),
                    );
                    self.mention(out, &name, "person", Attr::Ref(&key));
                } else {
                    let head = Person::korean(self.rng, org.head_title);
                    out.push_str(head.title);
                    out.push(' ');
                    self.mention(out, &head.name, "person", Attr::Ref(&head.key));
                }
            }
            out.push(')');
        }
        match role {
            OrgRole::Ministry => self.ministry.defined = true,
            OrgRole::Agency => self.agency.defined = true,
            OrgRole::International => self.intl.defined = true,
        }
    }

    /// A person with their title on first mention (`Trade Minister Yeo Han-koo`), then
    /// mostly the short form (`Yeo`).
    fn person_mention(&mut self, role: PersonRole, out: &mut String) {
        let person = match role {
            PersonRole::Official => &self.official,
            PersonRole::Second => &self.official2,
            PersonRole::Foreign => &self.foreign,
        };
        let (title, name, short, key, native, mentioned) = (
            person.title,
            person.name.clone(),
            person.short.clone(),
            person.key.clone(),
            person.native.clone(),
            person.mentioned,
        );
        if mentioned {
            if self.rng.chance(400) {
                out.push_str(title);
                out.push(' ');
            }
            self.mention(out, &short, "person", Attr::Ref(&key));
            return;
        }
        if role == PersonRole::Foreign && self.rng.chance(500) {
            let partner = self.partner;
            let &(prefix, partner_name) =
                self.rng.pick(partner.forms).unwrap_or(&("", partner.short));
            out.push_str(prefix);
            self.mention(out, partner_name, "place", Attr::Ref(partner.key));
            out.push_str("’s ");
        }
        out.push_str(title);
        out.push(' ');
        self.mention(out, &name, "person", Attr::Ref(&key));
        if let Some(native) = native
            && self.rng.chance(120)
        {
            out.push_str(" (");
            out.push_str(&native);
            out.push(')');
        }
        match role {
            PersonRole::Official => self.official.mentioned = true,
            PersonRole::Second => self.official2.mentioned = true,
            PersonRole::Foreign => self.foreign.mentioned = true,
        }
    }

    fn agreement_mention(
        &mut self,
        agreement: &'static Agreement,
        short_form: bool,
        out: &mut String,
    ) {
        let form = if short_form {
            agreement.short
        } else {
            *self.rng.pick(agreement.forms).unwrap_or(&agreement.short)
        };
        self.mention(out, form, "agreement", Attr::Ref(agreement.key));
    }

    fn regulation_mention(&mut self, short_form: bool, out: &mut String) {
        let regulation = self.regulation;
        match regulation.short {
            Some(short) if short_form || self.regulation_defined => {
                self.mention(out, short, "agreement", Attr::Ref(regulation.key));
            }
            Some(short) => {
                self.mention(out, regulation.name, "agreement", Attr::Ref(regulation.key));
                out.push_str(" (");
                self.mention(out, short, "agreement", Attr::Ref(regulation.key));
                out.push(')');
                self.regulation_defined = true;
            }
            None => self.mention(out, regulation.name, "agreement", Attr::Ref(regulation.key)),
        }
    }

    fn date_mention(&mut self, out: &mut String, span: &str, value: &str) {
        self.mention(out, span, "date", Attr::Value(value));
    }

    /// `on Tuesday`, `on Tuesday, March 3`, `on March 3`: a day up to two weeks back.
    fn on_past(&mut self, out: &mut String) {
        let back = self.rng.range(0, 14);
        let day = self.date.add_days(-back);
        out.push_str("on ");
        self.day_mention(day, back <= 6, out);
    }

    /// A day named with as little as the article date leaves unambiguous: the weekday
    /// alone only within the week, the year only when it differs.
    fn day_mention(&mut self, day: Date, weekday_alone: bool, out: &mut String) {
        let same_year = day.year == self.date.year;
        let span = match self.rng.below(10) {
            0..=2 if weekday_alone => day.weekday_name().to_owned(),
            0..=5 if same_year => {
                format!("{}, {} {}", day.weekday_name(), day.month_name(), day.day)
            }
            0..=5 => format!(
                "{}, {} {}, {}",
                day.weekday_name(),
                day.month_name(),
                day.day,
                day.year
            ),
            6 => format!(
                "{}, {} {}, {}",
                day.weekday_name(),
                day.month_name(),
                day.day,
                day.year
            ),
            _ if same_year => format!("{} {}", day.month_name(), day.day),
            _ => format!("{} {}, {}", day.month_name(), day.day, day.year),
        };
        self.date_mention(out, &span, &day.iso());
    }

    fn when_past(&mut self, out: &mut String) {
        let (year, month) = (self.date.year, self.date.month);
        match self.rng.below(8) {
            0..=2 => self.on_past(out),
            3 => {
                let value = week_value(self.date.add_days(-7));
                self.date_mention(out, "last week", &value);
            }
            4 => {
                let (y, m) = shift_month(year, month, -1);
                self.date_mention(out, "last month", &format!("{y:04}-{m:02}"));
            }
            5 => {
                let (y, m) = shift_month(year, month, -(self.rng.range(1, 3) as i32));
                out.push_str("in ");
                self.date_mention(out, month_name(m), &format!("{y:04}-{m:02}"));
            }
            6 => {
                let (y, m) = shift_month(year, month, -(self.rng.range(4, 30) as i32));
                out.push_str("in ");
                self.date_mention(
                    out,
                    &format!("{} {y}", month_name(m)),
                    &format!("{y:04}-{m:02}"),
                );
            }
            _ => {
                let value = (year - 1).to_string();
                self.date_mention(out, "last year", &value);
            }
        }
    }

    fn when_future(&mut self, out: &mut String) {
        let (year, month) = (self.date.year, self.date.month);
        match self.rng.below(12) {
            0 => {
                let value = week_value(self.date.add_days(7));
                self.date_mention(out, "next week", &value);
            }
            1 | 2 => {
                let (y, m) = shift_month(year, month, 1);
                self.date_mention(out, "next month", &format!("{y:04}-{m:02}"));
            }
            3 if month <= 6 => {
                out.push_str("in ");
                self.date_mention(out, "the second half of this year", &format!("{year}-H2"));
            }
            3 | 4 => {
                out.push_str("in ");
                self.date_mention(
                    out,
                    "the first half of next year",
                    &format!("{}-H1", year + 1),
                );
            }
            5 => {
                let value = (year + 1).to_string();
                self.date_mention(out, "early next year", &value);
            }
            6 if month <= 10 => {
                out.push_str("by ");
                self.date_mention(out, "the end of this year", &year.to_string());
            }
            7 => {
                let day = self.date.add_days(self.rng.range(2, 60));
                out.push_str("on ");
                self.day_mention(day, false, out);
            }
            8 if month <= 9 => {
                let (y, m) = shift_month(year, month, self.rng.range(1, 3) as i32);
                out.push_str("in ");
                self.date_mention(out, month_name(m), &format!("{y:04}-{m:02}"));
            }
            9 if month <= 10 => self.date_mention(out, "within the year", &year.to_string()),
            10 if month <= 6 => {
                out.push_str("in ");
                self.date_mention(out, "the third quarter of this year", &format!("{year}-Q3"));
            }
            11 if month <= 4 => self.date_mention(out, "this summer", &format!("{year}-SU")),
            _ => {
                let value = (year + 1).to_string();
                self.date_mention(out, "next year", &value);
            }
        }
    }

    fn this_period(&mut self, out: &mut String) {
        match self.rng.below(3) {
            0 => {
                let value = self.date.year.to_string();
                self.date_mention(out, "this year", &value);
            }
            1 => {
                let value = week_value(self.date);
                self.date_mention(out, "this week", &value);
            }
            _ => {
                let value = format!("{:04}-{:02}", self.date.year, self.date.month);
                self.date_mention(out, "this month", &value);
            }
        }
    }

    /// `from May 12 to 14`, `from May 30 to June 2`; the year is spelled out when the
    /// range leaves the article's year.
    fn day_range(&mut self, first: Date, last: Date, out: &mut String) {
        let value = format!("{}/{}", first.iso(), last.iso());
        let span = if first.year != self.date.year || last.year != self.date.year {
            format!(
                "{} {}, {} to {} {}, {}",
                first.month_name(),
                first.day,
                first.year,
                last.month_name(),
                last.day,
                last.year
            )
        } else if first.month == last.month {
            format!("{} {} to {}", first.month_name(), first.day, last.day)
        } else {
            format!(
                "{} {} to {} {}",
                first.month_name(),
                first.day,
                last.month_name(),
                last.day
            )
        };
        out.push_str("from ");
        self.date_mention(out, &span, &value);
    }

    fn year_range(&mut self, first: i32, last: i32, out: &mut String) {
        let value = format!("{first}/{last}");
        if self.rng.chance(700) {
            out.push_str("from ");
            self.date_mention(out, &format!("{first} to {last}"), &value);
        } else {
            out.push_str("between ");
            self.date_mention(out, &format!("{first} and {last}"), &value);
        }
    }

    /// An amount in one of the spellings releases use, with its normalised value.
    fn money(&mut self, out: &mut String) {
        let currency = match self.rng.below(20) {
            0..=9 => "USD",
            10..=17 => "KRW",
            _ => self.partner.currency,
        };
        let (mantissa, decimals, unit, unit_name) = match currency {
            "KRW" if self.rng.chance(300) => (
                self.rng.range(11, 300) as u64,
                1,
                1_000_000_000_000u64,
                "trillion",
            ),
            "KRW" => (
                self.rng.range(1, 95) as u64 * 10,
                0,
                1_000_000_000,
                "billion",
            ),
            _ if self.rng.chance(500) => {
                (self.rng.range(11, 999) as u64, 1, 1_000_000_000, "billion")
            }
            _ => (self.rng.range(5, 95) as u64 * 10, 0, 1_000_000, "million"),
        };
        let number = decimal_text(mantissa, decimals);
        let value = format!("{currency} {}", mantissa * unit / 10u64.pow(decimals));
        let span = match (currency, self.rng.below(4)) {
            ("USD", 0) => format!("${number} {unit_name}"),
            ("KRW", 0) => format!("{number} {unit_name} won"),
            ("EUR", 0) => format!("€{number} {unit_name}"),
            ("GBP", 0) => format!("£{number} {unit_name}"),
            _ => format!("{currency} {number} {unit_name}"),
        };
        self.mention(out, &span, "money", Attr::Money(&value));
    }

    /// `300 million won ($210,000)`: an amount in won with its dollar equivalent.
    fn money_won(&mut self, out: &mut String) {
        let millions = self.rng.range(1, 18) as u64 * 50;
        let won = millions * 1_000_000;
        // About 1,400 won to the dollar, rounded to tens of thousands as releases do.
        let dollars = (won / 1400 + 5_000) / 10_000 * 10_000;
        self.mention(
            out,
            &format!("{millions} million won"),
            "money",
            Attr::Money(&format!("KRW {won}")),
        );
        out.push_str(" (");
        self.mention(
            out,
            &format!("${}", thousands(dollars)),
            "money",
            Attr::Money(&format!("USD {dollars}")),
        );
        out.push(')');
    }

    fn percent(&mut self, out: &mut String) {
        // Mostly the modest changes trade statistics report, sometimes large shares.
        let number = match self.rng.below(10) {
            0..=3 => decimal_text(self.rng.range(1, 299) as u64, 1),
            4..=7 => self.rng.range(2, 30).to_string(),
            _ => self.rng.range(30, 95).to_string(),
        };
        let span = if self.rng.chance(80) {
            format!("{number}%")
        } else {
            format!("{number} percent")
        };
        self.mention(out, &span, "percent", Attr::Bare);
    }

    /// The `dateYYYY-MM-DD` marker, glued to the last sentence or on its own line.
    fn date_marker(&mut self, out: &mut String) {
        let marker = if self.malformation == Some(Malformation::InvalidMarker) {
            self.malformation_written = true;
            let year = self.date.year;
            match self.rng.below(4) {
                0 => format!("date{year}-13-{:02}", self.date.day),
                1 => format!("date{year}-02-30"),
                2 => format!("date{year}-{:02}-32", self.date.month),
                _ => "date2025-13-40".to_owned(),
            }
        } else if self.rng.chance(self.mix.undated) {
            return;
        } else {
            match self.rng.below(200) {
                0 => format!("date: {}", self.date.iso()),
                1 => format!("date {}", self.date.iso()),
                _ => format!("date{}", self.date.iso()),
            }
        };
        if self.rng.chance(self.mix.own_line_marker) {
            out.push('\n');
            if self.rng.chance(80) {
                out.push('\n');
            }
        } else {
            out.push(' ');
        }
        out.push_str(&marker);
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum OrgRole {
    Ministry,
    Agency,
    International,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum PersonRole {
    Official,
    Second,
    Foreign,
}

fn pick_or<'v, T>(rng: &mut Rng, items: &'v [T], fallback: &'v T) -> &'v T {
    rng.pick(items).unwrap_or(fallback)
}

fn month_name(month: u32) -> &'static str {
    MONTH_NAMES[(month as usize + 11) % 12]
}

/// The TIMEX3 week value, `2026-W10`.
fn week_value(day: Date) -> String {
    let (year, week) = day.iso_week();
    format!("{year:04}-W{week:02}")
}

fn numeric_ordinal(number: u32) -> String {
    let suffix = match (number % 10, number % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{number}{suffix}")
}

/// `mantissa` with `decimals` digits after the point, trailing `.0` dropped.
fn decimal_text(mantissa: u64, decimals: u32) -> String {
    if decimals == 0 {
        return mantissa.to_string();
    }
    let scale = 10u64.pow(decimals);
    let (whole, fraction) = (mantissa / scale, mantissa % scale);
    if fraction == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{fraction:0width$}", width = decimals as usize)
    }
}

/// `210000` → `210,000`.
fn thousands(number: u64) -> String {
    let digits = number.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

/// A type name with a typo, for the planted unknown-type errors.
fn misspelled(tag_type: &str) -> &'static str {
    match tag_type {
        "org" => "ogr",
        "person" => "persno",
        "place" => "plcae",
        "agreement" => "agreemnt",
        "event" => "evnet",
        "date" => "dat",
        "money" => "mony",
        _ => "precent",
    }
}

/// Upper-cases the first letter of a sentence written from `start` on, looking inside a
/// tag that opens the sentence.
fn capitalize_from(out: &mut String, start: usize) {
    let first = out.get(start..).and_then(|rest| {
        rest.char_indices()
            .find(|&(_, c)| c != '[')
            .map(|(offset, c)| (start + offset, c))
    });
    if let Some((at, c)) = first
        && c.is_ascii_lowercase()
    {
        out.replace_range(at..at + 1, &c.to_ascii_uppercase().to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_spelled_as_releases_spell_them() {
        assert_eq!(numeric_ordinal(53), "53rd");
        assert_eq!(numeric_ordinal(11), "11th");
        assert_eq!(numeric_ordinal(21), "21st");
        assert_eq!(numeric_ordinal(12), "12th");
        assert_eq!(decimal_text(21, 1), "2.1");
        assert_eq!(decimal_text(30, 1), "3");
        assert_eq!(decimal_text(750, 0), "750");
        assert_eq!(thousands(210_000), "210,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(999), "999");
    }

    #[test]
    fn capitalization_skips_an_opening_bracket() {
        let mut text = String::from("x. [the first half]{date}");
        capitalize_from(&mut text, 3);
        assert_eq!(text, "x. [The first half]{date}");
        let mut text = String::from("“quote”");
        capitalize_from(&mut text, 0);
        assert_eq!(text, "“quote”");
    }
}
