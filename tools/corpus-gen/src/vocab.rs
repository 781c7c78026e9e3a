//! Vocabularies: the organisations, people, places, agreements and phrases the generator
//! draws from. Real institutions and office holders appear next to invented ones; the
//! corpus is synthetic and makes no factual claims.

/// An organisation, with the acronym it is defined with and the title of its head.
pub struct Org {
    pub name: &'static str,
    pub short: Option<&'static str>,
    pub key: &'static str,
    pub head_title: &'static str,
}

/// A named official; `short` is the form used after the first mention.
pub struct Official {
    pub title: &'static str,
    pub name: &'static str,
    pub short: &'static str,
    pub key: &'static str,
    /// The name in its own script, written in parentheses after the first mention.
    pub native: Option<&'static str>,
}

/// An agreement and the surface forms analysts meet for it.
pub struct Agreement {
    pub forms: &'static [&'static str],
    /// The form used in titles.
    pub short: &'static str,
    pub key: &'static str,
}

/// A trading partner of the article's home country.
pub struct Country {
    pub key: &'static str,
    /// Surface forms as (words kept outside a tag, the name itself).
    pub forms: &'static [(&'static str, &'static str)],
    /// The form used in titles.
    pub short: &'static str,
    pub adjective: &'static str,
    pub capital: &'static str,
    pub capital_key: &'static str,
    pub agreement: &'static Agreement,
    pub officials: &'static [Official],
    pub currency: &'static str,
}

/// A mechanism or regulation that is defined with its acronym on first mention.
pub struct Regulation {
    pub name: &'static str,
    pub short: Option<&'static str>,
    pub key: &'static str,
}

const fn official(
    title: &'static str,
    name: &'static str,
    short: &'static str,
    key: &'static str,
    native: Option<&'static str>,
) -> Official {
    Official {
        title,
        name,
        short,
        key,
        native,
    }
}

const fn org(
    name: &'static str,
    short: Option<&'static str>,
    key: &'static str,
    head_title: &'static str,
) -> Org {
    Org {
        name,
        short,
        key,
        head_title,
    }
}

pub const HOME_KEY: &str = "south-korea";
pub const HOME_FORMS: &[(&str, &str)] = &[
    ("", "Korea"),
    ("", "Korea"),
    ("", "Korea"),
    ("", "South Korea"),
    ("", "South Korea"),
    ("the ", "Republic of Korea"),
];
pub const HOME_TITLE_FORMS: &[&str] = &["Korea", "Korea", "S. Korea", "South Korea"];

pub const MINISTRIES: &[Org] = &[
    org(
        "Ministry of Trade, Industry and Resources",
        Some("MOTIR"),
        "motir",
        "Minister",
    ),
    org(
        "Ministry of Economy and Finance",
        Some("MOEF"),
        "moef",
        "Minister",
    ),
    org(
        "Ministry of Foreign Affairs",
        Some("MOFA"),
        "mofa",
        "Minister",
    ),
    org(
        "Ministry of National Defense",
        Some("MND"),
        "mnd",
        "Minister",
    ),
    org(
        "Ministry of Science and ICT",
        Some("MSIT"),
        "msit",
        "Minister",
    ),
    org(
        "Ministry of Climate, Energy and Environment",
        Some("MCEE"),
        "mcee",
        "Minister",
    ),
    org(
        "Ministry of SMEs and Startups",
        Some("MSS"),
        "mss",
        "Minister",
    ),
    org(
        "Ministry of Oceans and Fisheries",
        Some("MOF"),
        "mof",
        "Minister",
    ),
    org(
        "Ministry of Land, Infrastructure and Transport",
        Some("MOLIT"),
        "molit",
        "Minister",
    ),
];

/// Indices of entries that topics ask for by name; a test pins each to its key.
pub const TRADE_MINISTRY: usize = 0;
/// The trade ministry's minister in [`KOREAN_LEADERS`].
pub const TRADE_MINISTER: usize = 1;
pub const DEFENSE_MINISTRY: usize = 3;
pub const CLIMATE_MINISTRY: usize = 5;
pub const KOTRA: usize = 0;
pub const KATS: usize = 1;
pub const DAPA: usize = 3;
pub const WTO: usize = 0;
pub const NATO: usize = 1;
pub const ISO: usize = 7;
pub const TRADE_PROMOTION_COMMITTEE: usize = 0;
pub const STANDARDS_FORUM: usize = 3;
pub const FDI_COUNCIL: usize = 6;
pub const DEFENSE_COMMITTEE: usize = 8;
/// Regulations an energy release is about: CBAM (twice as likely), IRA, the battery
/// regulation, CRMA and K-ETS.
pub const ENERGY_REGULATIONS: [usize; 6] = [0, 0, 1, 2, 6, 7];

pub const AGENCIES: &[Org] = &[
    org(
        "Korea Trade-Investment Promotion Agency",
        Some("KOTRA"),
        "kotra",
        "President",
    ),
    org(
        "Korean Agency for Technology and Standards",
        Some("KATS"),
        "kats",
        "President",
    ),
    org(
        "Korea International Trade Association",
        Some("KITA"),
        "kita",
        "Chairman",
    ),
    org(
        "Defense Acquisition Program Administration",
        Some("DAPA"),
        "dapa",
        "Minister",
    ),
    org("Korea Customs Service", Some("KCS"), "kcs", "Commissioner"),
    org(
        "Korea Trade Insurance Corporation",
        Some("K-SURE"),
        "k-sure",
        "President",
    ),
    org(
        "Korea Hydro & Nuclear Power",
        Some("KHNP"),
        "khnp",
        "President",
    ),
    org(
        "Korea Electric Power Corporation",
        Some("KEPCO"),
        "kepco",
        "CEO",
    ),
    org(
        "Korea Industrial Complex Corporation",
        Some("KICOX"),
        "kicox",
        "Chairman",
    ),
    org("Korea Energy Agency", Some("KEA"), "kea", "President"),
    org(
        "Korea Institute for Industrial Economics and Trade",
        Some("KIET"),
        "kiet",
        "President",
    ),
    org(
        "Korea Chamber of Commerce and Industry",
        Some("KCCI"),
        "kcci",
        "Chairman",
    ),
];

pub const COMPANIES: &[(&str, &str)] = &[
    ("Samsung Electronics", "samsung-electronics"),
    ("SK hynix", "sk-hynix"),
    ("Hyundai Motor", "hyundai-motor"),
    ("Kia", "kia"),
    ("LG Energy Solution", "lg-energy-solution"),
    ("Samsung SDI", "samsung-sdi"),
    ("SK On", "sk-on"),
    ("POSCO Holdings", "posco-holdings"),
    ("Hanwha Aerospace", "hanwha-aerospace"),
    ("Hanwha Ocean", "hanwha-ocean"),
    ("HD Hyundai Heavy Industries", "hd-hyundai-heavy-industries"),
    ("Doosan Enerbility", "doosan-enerbility"),
    ("Korea Zinc", "korea-zinc"),
    ("LS Electric", "ls-electric"),
    ("Hyundai Rotem", "hyundai-rotem"),
    ("Naver", "naver"),
];

pub const INTERNATIONAL_ORGS: &[Org] = &[
    org(
        "World Trade Organization",
        Some("WTO"),
        "wto",
        "Director-General",
    ),
    org(
        "North Atlantic Treaty Organization",
        Some("NATO"),
        "nato",
        "Secretary General",
    ),
    org(
        "Organisation for Economic Co-operation and Development",
        Some("OECD"),
        "oecd",
        "Secretary-General",
    ),
    org(
        "International Energy Agency",
        Some("IEA"),
        "iea",
        "Executive Director",
    ),
    org(
        "International Monetary Fund",
        Some("IMF"),
        "imf",
        "Managing Director",
    ),
    org(
        "Asia-Pacific Economic Cooperation",
        Some("APEC"),
        "apec",
        "Chair",
    ),
    org(
        "Association of Southeast Asian Nations",
        Some("ASEAN"),
        "asean",
        "Secretary-General",
    ),
    org(
        "International Organization for Standardization",
        Some("ISO"),
        "iso",
        "President",
    ),
];

pub const NEWS_AGENCIES: &[(&str, &str)] = &[
    ("Yonhap", "yonhap"),
    ("Yonhap", "yonhap"),
    ("AFP", "afp"),
    ("Reuters", "reuters"),
];
pub const BYLINES: &[&str] = &[
    "- Korea Herald",
    "- Korea Herald",
    "- The Korea Times",
    "- Yonhap News Agency",
    "- JoongAng Daily",
];

/// Real office holders of the trade ministry, used next to generated names.
pub const KOREAN_LEADERS: &[Official] = &[
    official(
        "Trade Minister",
        "Yeo Han-koo",
        "Yeo",
        "yeo-han-koo",
        Some("여한구"),
    ),
    official(
        "Minister",
        "Kim Jung-kwan",
        "Kim",
        "kim-jung-kwan",
        Some("김정관"),
    ),
];

pub const KOREAN_TITLES: &[&str] = &[
    "Deputy Minister for Trade",
    "Deputy Minister for Industrial Policy",
    "Deputy Minister for Energy Policy",
    "Director-General for Trade Policy",
    "Director General for Trade and Investment",
    "Director General for Supply Chain Policy",
    "Vice Minister",
    "First Vice Minister",
    "Chief Negotiator",
    "Ambassador for Economic Security",
];

/// Romanised surnames with their Hangul.
pub const SURNAMES: &[(&str, &str)] = &[
    ("Kim", "김"),
    ("Lee", "이"),
    ("Park", "박"),
    ("Choi", "최"),
    ("Jung", "정"),
    ("Kang", "강"),
    ("Cho", "조"),
    ("Yoon", "윤"),
    ("Jang", "장"),
    ("Lim", "임"),
    ("Han", "한"),
    ("Oh", "오"),
    ("Seo", "서"),
    ("Shin", "신"),
    ("Kwon", "권"),
    ("Hwang", "황"),
    ("Ahn", "안"),
    ("Song", "송"),
    ("Yoo", "유"),
    ("Hong", "홍"),
];

/// Romanised given names with their Hangul.
pub const GIVEN_NAMES: &[(&str, &str)] = &[
    ("Min-jun", "민준"),
    ("Seo-yeon", "서연"),
    ("Ji-hoon", "지훈"),
    ("Hye-jin", "혜진"),
    ("Sung-ho", "성호"),
    ("Jae-won", "재원"),
    ("Eun-ji", "은지"),
    ("Dong-hyun", "동현"),
    ("Soo-min", "수민"),
    ("Young-chul", "영철"),
    ("Ha-eun", "하은"),
    ("Jin-woo", "진우"),
    ("Kyung-hee", "경희"),
    ("Tae-yang", "태양"),
    ("Na-rae", "나래"),
    ("Sang-woo", "상우"),
    ("Hyun-soo", "현수"),
    ("Mi-kyung", "미경"),
];

pub const KOREAN_CITIES: &[(&str, &str)] = &[
    ("Seoul", "seoul"),
    ("Seoul", "seoul"),
    ("Seoul", "seoul"),
    ("Sejong", "sejong"),
    ("Busan", "busan"),
    ("Incheon", "incheon"),
    ("Ulsan", "ulsan"),
    ("Changwon", "changwon"),
    ("Gumi", "gumi"),
    ("Daegu", "daegu"),
    ("Gwangju", "gwangju"),
    ("Pohang", "pohang"),
    ("Yeosu", "yeosu"),
    ("Pyeongtaek", "pyeongtaek"),
    ("Cheongju", "cheongju"),
    ("Gyeongju", "gyeongju"),
];

/// Regions as (words kept outside a tag, the name itself).
pub const REGIONS: &[(&str, &str, &str)] = &[
    ("the ", "Indo-Pacific", "indo-pacific"),
    ("", "Southeast Asia", "southeast-asia"),
    ("the ", "Middle East", "middle-east"),
    ("", "Europe", "europe"),
    ("", "Central Asia", "central-asia"),
    ("", "Latin America", "latin-america"),
    ("", "North America", "north-america"),
];

pub const CAPITAL_AREA: (&str, &str) = ("Seoul Capital Area", "seoul-capital-area");

const KORUS: Agreement = Agreement {
    forms: &[
        "Korea–U.S. FTA",
        "Korea–U.S. FTA",
        "KORUS FTA",
        "Korea-US free trade agreement",
        "Korea–US FTA",
    ],
    short: "KORUS FTA",
    key: "korus-fta",
};
const KOREA_EU_FTA: Agreement = Agreement {
    forms: &[
        "Korea–EU FTA",
        "Korea–EU FTA",
        "Korea-EU free trade agreement",
    ],
    short: "Korea–EU FTA",
    key: "korea-eu-fta",
};
const KOREA_UK_FTA: Agreement = Agreement {
    forms: &[
        "Korea–UK FTA",
        "Korea–UK FTA",
        "Korea-UK free trade agreement",
    ],
    short: "Korea–UK FTA",
    key: "korea-uk-fta",
};
const RCEP: Agreement = Agreement {
    forms: &[
        "Regional Comprehensive Economic Partnership",
        "RCEP",
        "RCEP",
    ],
    short: "RCEP",
    key: "rcep",
};
const CPTPP: Agreement = Agreement {
    forms: &[
        "CPTPP",
        "Comprehensive and Progressive Agreement for Trans-Pacific Partnership",
    ],
    short: "CPTPP",
    key: "cptpp",
};
const KOREA_CANADA_FTA: Agreement = Agreement {
    forms: &["Korea–Canada FTA", "Korea-Canada free trade agreement"],
    short: "Korea–Canada FTA",
    key: "korea-canada-fta",
};
const KOREA_MEXICO_FTA: Agreement = Agreement {
    forms: &["Korea–Mexico FTA", "Korea-Mexico free trade agreement"],
    short: "Korea–Mexico FTA",
    key: "korea-mexico-fta",
};
const KOREA_AUSTRALIA_FTA: Agreement = Agreement {
    forms: &["Korea–Australia FTA", "KAFTA"],
    short: "Korea–Australia FTA",
    key: "korea-australia-fta",
};
const KOREA_INDIA_CEPA: Agreement = Agreement {
    forms: &[
        "Korea–India CEPA",
        "Korea–India Comprehensive Economic Partnership Agreement",
    ],
    short: "Korea–India CEPA",
    key: "korea-india-cepa",
};
const KOREA_VIETNAM_FTA: Agreement = Agreement {
    forms: &["Korea–Vietnam FTA", "Korea-Vietnam free trade agreement"],
    short: "Korea–Vietnam FTA",
    key: "korea-vietnam-fta",
};
const KOREA_INDONESIA_CEPA: Agreement = Agreement {
    forms: &["Korea–Indonesia CEPA", "IK-CEPA"],
    short: "Korea–Indonesia CEPA",
    key: "korea-indonesia-cepa",
};
const KOREA_GCC_FTA: Agreement = Agreement {
    forms: &["Korea–GCC FTA", "Korea–Gulf Cooperation Council FTA"],
    short: "Korea–GCC FTA",
    key: "korea-gcc-fta",
};
const KOREA_TURKIYE_FTA: Agreement = Agreement {
    forms: &["Korea–Türkiye FTA", "Korea-Türkiye free trade agreement"],
    short: "Korea–Türkiye FTA",
    key: "korea-turkiye-fta",
};
const KOREA_CHINA_FTA: Agreement = Agreement {
    forms: &["Korea–China FTA", "Korea-China free trade agreement"],
    short: "Korea–China FTA",
    key: "korea-china-fta",
};
const KOREA_SINGAPORE_DPA: Agreement = Agreement {
    forms: &[
        "Korea–Singapore Digital Partnership Agreement",
        "Korea–Singapore DPA",
    ],
    short: "Korea–Singapore DPA",
    key: "korea-singapore-dpa",
};
const KOREA_MERCOSUR: Agreement = Agreement {
    forms: &[
        "Korea–MERCOSUR Trade Agreement",
        "Korea-MERCOSUR trade agreement",
    ],
    short: "Korea–MERCOSUR Trade Agreement",
    key: "korea-mercosur-ta",
};

pub const PARTNERS: &[Country] = &[
    Country {
        key: "united-states",
        forms: &[
            ("the ", "United States"),
            ("the ", "U.S."),
            ("the ", "U.S."),
            ("the ", "US"),
        ],
        short: "U.S.",
        adjective: "American",
        capital: "Washington",
        capital_key: "washington-dc",
        agreement: &KORUS,
        officials: &[
            official(
                "Commerce Secretary",
                "Howard Lutnick",
                "Lutnick",
                "howard-lutnick",
                None,
            ),
            official(
                "Trade Representative",
                "Jamieson Greer",
                "Greer",
                "jamieson-greer",
                None,
            ),
            official(
                "Deputy Trade Representative",
                "Rachel Whitmore",
                "Whitmore",
                "rachel-whitmore",
                None,
            ),
        ],
        currency: "USD",
    },
    Country {
        key: "eu",
        forms: &[("the ", "EU"), ("the ", "EU"), ("the ", "European Union")],
        short: "EU",
        adjective: "European",
        capital: "Brussels",
        capital_key: "brussels",
        agreement: &KOREA_EU_FTA,
        officials: &[
            official(
                "Commissioner for Trade and Economic Security",
                "Maroš Šefčovič",
                "Šefčovič",
                "maros-sefcovic",
                None,
            ),
            official(
                "Director-General for Trade",
                "Sabine Weyand",
                "Weyand",
                "sabine-weyand",
                None,
            ),
            official(
                "Deputy Director-General",
                "Élodie Marchand",
                "Marchand",
                "elodie-marchand",
                None,
            ),
        ],
        currency: "EUR",
    },
    Country {
        key: "united-kingdom",
        forms: &[("the ", "UK"), ("the ", "United Kingdom"), ("", "Britain")],
        short: "UK",
        adjective: "British",
        capital: "London",
        capital_key: "london",
        agreement: &KOREA_UK_FTA,
        officials: &[
            official(
                "Business and Trade Secretary",
                "Peter Kyle",
                "Kyle",
                "peter-kyle",
                None,
            ),
            official(
                "Trade Policy Minister",
                "Harriet Ellison",
                "Ellison",
                "harriet-ellison",
                None,
            ),
        ],
        currency: "GBP",
    },
    Country {
        key: "japan",
        forms: &[("", "Japan")],
        short: "Japan",
        adjective: "Japanese",
        capital: "Tokyo",
        capital_key: "tokyo",
        agreement: &RCEP,
        officials: &[
            official(
                "Minister of Economy, Trade and Industry",
                "Ryosei Akazawa",
                "Akazawa",
                "ryosei-akazawa",
                Some("赤沢亮正"),
            ),
            official(
                "Vice-Minister for International Affairs",
                "Haruka Sato",
                "Sato",
                "haruka-sato",
                Some("佐藤遥"),
            ),
        ],
        currency: "JPY",
    },
    Country {
        key: "france",
        forms: &[("", "France")],
        short: "France",
        adjective: "French",
        capital: "Paris",
        capital_key: "paris",
        agreement: &KOREA_EU_FTA,
        officials: &[
            official(
                "Minister for Foreign Trade",
                "Nicolas Forissier",
                "Forissier",
                "nicolas-forissier",
                None,
            ),
            official(
                "Director General for Enterprises",
                "Hélène Garnier",
                "Garnier",
                "helene-garnier",
                None,
            ),
        ],
        currency: "EUR",
    },
    Country {
        key: "germany",
        forms: &[("", "Germany")],
        short: "Germany",
        adjective: "German",
        capital: "Berlin",
        capital_key: "berlin",
        agreement: &KOREA_EU_FTA,
        officials: &[
            official(
                "Economy Minister",
                "Katherina Reiche",
                "Reiche",
                "katherina-reiche",
                None,
            ),
            official(
                "State Secretary",
                "Jürgen Brandt",
                "Brandt",
                "jurgen-brandt",
                None,
            ),
        ],
        currency: "EUR",
    },
    Country {
        key: "canada",
        forms: &[("", "Canada")],
        short: "Canada",
        adjective: "Canadian",
        capital: "Ottawa",
        capital_key: "ottawa",
        agreement: &KOREA_CANADA_FTA,
        officials: &[
            official(
                "Minister of International Trade",
                "Maninder Sidhu",
                "Sidhu",
                "maninder-sidhu",
                None,
            ),
            official(
                "Deputy Minister",
                "Geneviève Tremblay",
                "Tremblay",
                "genevieve-tremblay",
                None,
            ),
        ],
        currency: "CAD",
    },
    Country {
        key: "mexico",
        forms: &[("", "Mexico")],
        short: "Mexico",
        adjective: "Mexican",
        capital: "Mexico City",
        capital_key: "mexico-city",
        agreement: &KOREA_MEXICO_FTA,
        officials: &[
            official(
                "Economy Secretary",
                "Marcelo Ebrard",
                "Ebrard",
                "marcelo-ebrard",
                None,
            ),
            official(
                "Undersecretary for Foreign Trade",
                "José Ángel Ruiz",
                "Ruiz",
                "jose-angel-ruiz",
                None,
            ),
        ],
        currency: "USD",
    },
    Country {
        key: "australia",
        forms: &[("", "Australia")],
        short: "Australia",
        adjective: "Australian",
        capital: "Canberra",
        capital_key: "canberra",
        agreement: &KOREA_AUSTRALIA_FTA,
        officials: &[official(
            "Trade Minister",
            "Don Farrell",
            "Farrell",
            "don-farrell",
            None,
        )],
        currency: "AUD",
    },
    Country {
        key: "india",
        forms: &[("", "India")],
        short: "India",
        adjective: "Indian",
        capital: "New Delhi",
        capital_key: "new-delhi",
        agreement: &KOREA_INDIA_CEPA,
        officials: &[official(
            "Commerce and Industry Minister",
            "Piyush Goyal",
            "Goyal",
            "piyush-goyal",
            None,
        )],
        currency: "USD",
    },
    Country {
        key: "vietnam",
        forms: &[("", "Vietnam")],
        short: "Vietnam",
        adjective: "Vietnamese",
        capital: "Hanoi",
        capital_key: "hanoi",
        agreement: &KOREA_VIETNAM_FTA,
        officials: &[official(
            "Minister of Industry and Trade",
            "Nguyễn Hồng Diên",
            "Diên",
            "nguyen-hong-dien",
            None,
        )],
        currency: "USD",
    },
    Country {
        key: "indonesia",
        forms: &[("", "Indonesia")],
        short: "Indonesia",
        adjective: "Indonesian",
        capital: "Jakarta",
        capital_key: "jakarta",
        agreement: &KOREA_INDONESIA_CEPA,
        officials: &[official(
            "Trade Minister",
            "Budi Santoso",
            "Santoso",
            "budi-santoso",
            None,
        )],
        currency: "USD",
    },
    Country {
        key: "saudi-arabia",
        forms: &[("", "Saudi Arabia")],
        short: "Saudi Arabia",
        adjective: "Saudi",
        capital: "Riyadh",
        capital_key: "riyadh",
        agreement: &KOREA_GCC_FTA,
        officials: &[official(
            "Minister of Investment",
            "Khalid Al-Falih",
            "Al-Falih",
            "khalid-al-falih",
            None,
        )],
        currency: "USD",
    },
    Country {
        key: "poland",
        forms: &[("", "Poland")],
        short: "Poland",
        adjective: "Polish",
        capital: "Warsaw",
        capital_key: "warsaw",
        agreement: &KOREA_EU_FTA,
        officials: &[official(
            "Deputy Defense Minister",
            "Paweł Bejda",
            "Bejda",
            "pawel-bejda",
            None,
        )],
        currency: "EUR",
    },
    Country {
        key: "czech-republic",
        forms: &[("the ", "Czech Republic"), ("", "Czechia")],
        short: "Czech Republic",
        adjective: "Czech",
        capital: "Prague",
        capital_key: "prague",
        agreement: &KOREA_EU_FTA,
        officials: &[official(
            "Industry and Trade Minister",
            "Lukáš Vlček",
            "Vlček",
            "lukas-vlcek",
            None,
        )],
        currency: "EUR",
    },
    Country {
        key: "turkiye",
        forms: &[("", "Türkiye")],
        short: "Türkiye",
        adjective: "Turkish",
        capital: "Ankara",
        capital_key: "ankara",
        agreement: &KOREA_TURKIYE_FTA,
        officials: &[official(
            "Trade Minister",
            "Ömer Bolat",
            "Bolat",
            "omer-bolat",
            None,
        )],
        currency: "USD",
    },
    Country {
        key: "china",
        forms: &[("", "China")],
        short: "China",
        adjective: "Chinese",
        capital: "Beijing",
        capital_key: "beijing",
        agreement: &KOREA_CHINA_FTA,
        officials: &[official(
            "Commerce Minister",
            "Wang Wentao",
            "Wang",
            "wang-wentao",
            Some("王文涛"),
        )],
        currency: "USD",
    },
    Country {
        key: "singapore",
        forms: &[("", "Singapore")],
        short: "Singapore",
        adjective: "Singaporean",
        capital: "Singapore",
        capital_key: "singapore",
        agreement: &KOREA_SINGAPORE_DPA,
        officials: &[official(
            "Minister for Trade and Industry",
            "Gan Kim Yong",
            "Gan",
            "gan-kim-yong",
            None,
        )],
        currency: "USD",
    },
    Country {
        key: "brazil",
        forms: &[("", "Brazil")],
        short: "Brazil",
        adjective: "Brazilian",
        capital: "Brasília",
        capital_key: "brasilia",
        agreement: &KOREA_MERCOSUR,
        officials: &[official(
            "Development Minister",
            "Geraldo Alckmin",
            "Alckmin",
            "geraldo-alckmin",
            None,
        )],
        currency: "USD",
    },
];

/// Agreements any article may bring up, whatever its partner.
pub const SIDE_AGREEMENTS: &[&Agreement] = &[&RCEP, &CPTPP];

pub const REGULATIONS: &[Regulation] = &[
    Regulation {
        name: "Carbon Border Adjustment Mechanism",
        short: Some("CBAM"),
        key: "cbam",
    },
    Regulation {
        name: "Inflation Reduction Act",
        short: Some("IRA"),
        key: "ira",
    },
    Regulation {
        name: "EU Battery Regulation",
        short: None,
        key: "eu-battery-regulation",
    },
    Regulation {
        name: "Foreign Subsidies Regulation",
        short: Some("FSR"),
        key: "eu-fsr",
    },
    Regulation {
        name: "CHIPS and Science Act",
        short: None,
        key: "chips-act",
    },
    Regulation {
        name: "International Emergency Economic Powers Act",
        short: Some("IEEPA"),
        key: "ieepa",
    },
    Regulation {
        name: "Critical Raw Materials Act",
        short: Some("CRMA"),
        key: "eu-crma",
    },
    Regulation {
        name: "Korea Emissions Trading Scheme",
        short: Some("K-ETS"),
        key: "k-ets",
    },
];

/// Numbered standing meetings: (name after the ordinal, key stem). `{P}` is the partner's
/// title form.
pub const NUMBERED_EVENTS: &[(&str, &str)] = &[
    ("Trade Promotion Committee", "trade-promotion-committee"),
    (
        "Korea–{P} Industrial Cooperation Committee",
        "industrial-cooperation-committee",
    ),
    ("Korea–{P} Trade Committee Meeting", "trade-committee"),
    ("Korea–{P} Standards Forum", "standards-forum"),
    ("Korea–{P} Energy Policy Dialogue", "energy-policy-dialogue"),
    (
        "Korea–{P} Supply Chain and Economic Security Dialogue",
        "supply-chain-dialogue",
    ),
    (
        "Central–Local Government Policy Council on Foreign Direct Investment",
        "central-local-fdi-council",
    ),
    ("Korea–{P} Business Forum", "business-forum"),
    (
        "Joint Committee on Defense Industry Cooperation",
        "defense-industry-joint-committee",
    ),
    (
        "Economic Security Strategy Meeting",
        "economic-security-strategy-meeting",
    ),
];

pub const SECTORS: &[&str] = &[
    "semiconductors",
    "secondary batteries",
    "shipbuilding",
    "automobiles",
    "biohealth",
    "hydrogen",
    "nuclear power",
    "steel",
    "petrochemicals",
    "displays",
    "defense",
    "robotics",
    "artificial intelligence",
    "critical minerals",
    "aerospace",
    "clean energy",
];

pub const SECTOR_TITLES: &[&str] = &[
    "Chips",
    "Batteries",
    "Shipbuilding",
    "Autos",
    "Biohealth",
    "Hydrogen",
    "Nuclear Power",
    "Steel",
    "AI",
    "Critical Minerals",
    "Clean Energy",
];

pub const PRODUCTS: &[&str] = &[
    "steel",
    "aluminium",
    "automobiles and auto parts",
    "semiconductors",
    "copper",
    "pharmaceuticals",
    "lumber",
    "home appliances",
    "solar panels",
    "ships",
];

/// What a new factory line makes.
pub const LINE_ITEMS: &[&str] = &[
    "battery cell",
    "chip packaging",
    "hydrogen fuel cell",
    "display panel",
    "electric motor",
    "cathode material",
    "reactor component",
    "wafer",
    "drone",
    "biopharmaceutical",
];

pub const PRODUCT_TITLES: &[&str] = &[
    "Steel",
    "Autos",
    "Chips",
    "Copper",
    "Appliances",
    "Solar Panels",
];

pub const DEFENSE_ITEMS: &[&str] = &[
    "155 mm artillery shells",
    "air-defense missiles",
    "K9 self-propelled howitzers",
    "armored vehicles",
    "submarine components",
    "military satellites",
];

pub const ORDINAL_WORDS: &[&str] = &[
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
];

pub const ORDINAL_TITLE_WORDS: &[&str] = &[
    "First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth", "Tenth",
];

pub const EMOJI: &[&str] = &["🤝", "🚢", "📈", "✅", "⚡", "🇰🇷", "🌏", "🔋", "🏭", "👏"];

/// What an article is about; it picks the opening sentence, the title and the quotes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Topic {
    Trade,
    Tariffs,
    Investment,
    Industry,
    Energy,
    Security,
    Standards,
    Exports,
}

pub const TOPICS: &[Topic] = &[
    Topic::Trade,
    Topic::Trade,
    Topic::Tariffs,
    Topic::Investment,
    Topic::Industry,
    Topic::Energy,
    Topic::Security,
    Topic::Standards,
    Topic::Exports,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_indices_point_at_their_entries() {
        assert_eq!(MINISTRIES[TRADE_MINISTRY].key, "motir");
        assert_eq!(MINISTRIES[DEFENSE_MINISTRY].key, "mnd");
        assert_eq!(MINISTRIES[CLIMATE_MINISTRY].key, "mcee");
        assert_eq!(AGENCIES[KOTRA].key, "kotra");
        assert_eq!(AGENCIES[KATS].key, "kats");
        assert_eq!(AGENCIES[DAPA].key, "dapa");
        assert_eq!(INTERNATIONAL_ORGS[WTO].key, "wto");
        assert_eq!(INTERNATIONAL_ORGS[NATO].key, "nato");
        assert_eq!(INTERNATIONAL_ORGS[ISO].key, "iso");
        assert_eq!(
            NUMBERED_EVENTS[TRADE_PROMOTION_COMMITTEE].1,
            "trade-promotion-committee"
        );
        assert_eq!(NUMBERED_EVENTS[STANDARDS_FORUM].1, "standards-forum");
        assert_eq!(NUMBERED_EVENTS[FDI_COUNCIL].1, "central-local-fdi-council");
        assert_eq!(
            NUMBERED_EVENTS[DEFENSE_COMMITTEE].1,
            "defense-industry-joint-committee"
        );
        let energy: Vec<&str> = ENERGY_REGULATIONS
            .iter()
            .map(|&index| REGULATIONS[index].key)
            .collect();
        assert_eq!(
            energy,
            [
                "cbam",
                "cbam",
                "ira",
                "eu-battery-regulation",
                "eu-crma",
                "k-ets"
            ]
        );
        assert_eq!(KOREAN_LEADERS[TRADE_MINISTER].key, "kim-jung-kwan");
    }

    #[test]
    fn keys_are_lowercase_and_hyphenated() {
        let is_key = |key: &str| {
            !key.is_empty()
                && key.split('-').all(|part| {
                    !part.is_empty()
                        && part
                            .bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
                })
        };
        let mut keys: Vec<&str> = Vec::new();
        keys.extend(
            MINISTRIES
                .iter()
                .chain(AGENCIES)
                .chain(INTERNATIONAL_ORGS)
                .map(|org| org.key),
        );
        keys.extend(COMPANIES.iter().map(|(_, key)| *key));
        keys.extend(REGULATIONS.iter().map(|regulation| regulation.key));
        keys.extend(KOREAN_CITIES.iter().map(|(_, key)| *key));
        keys.extend(REGIONS.iter().map(|(_, _, key)| *key));
        for partner in PARTNERS {
            keys.extend([partner.key, partner.capital_key, partner.agreement.key]);
            keys.extend(partner.officials.iter().map(|official| official.key));
        }
        for key in keys {
            assert!(is_key(key), "{key:?}");
        }
    }
}
