//! The article's head (issue: the title and standfirst are kept and
//! labelled): the usual layouts of a news page, in the layout-keeping
//! (inscriptis) style and the flat (html_text) style, each table row a page
//! and the lines expected as title, standfirst and dropped metadata.

use decruft::{Hints, Label, Stripper};

struct Case {
    name: &'static str,
    page: &'static str,
    title: &'static str,
    standfirst: &'static [&'static str],
    /// Lines that must be dropped (bylines, dates, share rows, menus).
    dropped: &'static [&'static str],
    /// Hints: the page's title and URL, if given.
    page_title: Option<&'static str>,
    url: Option<&'static str>,
}

const CASES: &[Case] = &[
    Case {
        name: "headline / date / body under a lowercase ad line, headline repeated in a list",
        page: "\
Home | News | Science | Health | Technology
Stay up to date with the news, subscribe to our feeds
Science | Biotechnology | Botany | Medicine
  kayak trips, canoes, lakes

  Protective proteins

  2011-11-20 21:25:40 Medicine

  Chaperone proteins protect cells and whole organisms from the effects of stress, and researchers in Warsaw have now shown how one family of them folds damaged enzymes back into shape.

  The team studied yeast cells exposed to heat and found that without the proteins most of the cells died within an hour, while with them nearly all survived and went on dividing.

  The findings may help explain why some neurodegenerative diseases progress faster in older patients, whose cells make fewer of these proteins, the authors wrote.

  Latest news

  Protective proteins

  Vote for the national cancer prevention programme

  Pelvis transplant performed in Poland
",
        title: "Protective proteins",
        standfirst: &[],
        dropped: &["kayak trips, canoes, lakes", "2011-11-20 21:25:40 Medicine"],
        page_title: None,
        url: None,
    },
    Case {
        name: "headline / standfirst / byline / date / body",
        page: "\
Home
News
Sport
Business
Local

Council approves new cycle lanes for the city centre

The plan, which has divided shop owners, will remove 200 parking spaces over two years

By Sarah Jones
Published 12 March 2024, 14:05

Councillors voted by 31 to 12 on Tuesday evening to approve a network of protected cycle lanes across the city centre, after a debate that lasted more than four hours.

The scheme will be built in three phases, starting with the main shopping street in the autumn, and is expected to cost about 4.5 million pounds in total.

Opponents said the loss of parking would drive customers away from independent shops, while supporters pointed to falling footfall in the centre over the past decade.

Share on Facebook
Share on Twitter
",
        title: "Council approves new cycle lanes for the city centre",
        standfirst: &["The plan, which has divided shop owners, will remove 200 parking spaces over two years"],
        dropped: &["By Sarah Jones", "Published 12 March 2024, 14:05", "Share on Facebook"],
        page_title: None,
        url: None,
    },
    Case {
        name: "headline / date / body (German)",
        page: "\
Startseite
Rezepte
Backen
Kochen

Saftiger Apfelkuchen vom Blech

Veröffentlicht am 3. Oktober 2023

Dieser Apfelkuchen ist schnell gemacht und gelingt auch Anfängern, denn der Teig wird einfach in einer Schüssel verrührt und auf das Blech gestrichen.

Die Äpfel schälen, vierteln und in dünne Spalten schneiden, dann dicht an dicht auf den Teig legen und mit Zimt und Zucker bestreuen.

Den Kuchen im vorgeheizten Ofen bei 180 Grad etwa 35 Minuten backen, bis er goldbraun ist, und vor dem Anschneiden gut abkühlen lassen.
",
        title: "Saftiger Apfelkuchen vom Blech",
        standfirst: &[],
        dropped: &["Veröffentlicht am 3. Oktober 2023"],
        page_title: None,
        url: None,
    },
    Case {
        name: "kicker / headline / body (Spanish)",
        page: "\
Portada
Deportes
Fútbol
Baloncesto

FÚTBOL

El equipo local remonta en el último minuto y sigue líder

El conjunto de la capital logró darle la vuelta al marcador en los minutos finales del encuentro, gracias a dos goles de su delantero, que no había marcado desde enero.

El entrenador destacó después del partido la fe de sus jugadores, que nunca dejaron de buscar la portería rival a pesar de jugar con uno menos durante la segunda parte.

Con esta victoria, el equipo suma seis puntos de ventaja sobre el segundo clasificado cuando quedan ocho jornadas para el final de la temporada.
",
        title: "El equipo local remonta en el último minuto y sigue líder",
        standfirst: &[],
        dropped: &["Portada", "Fútbol"],
        page_title: None,
        url: None,
    },
    Case {
        name: "flat style (html_text): page title first, then menu, headline, byline, body",
        page: "\
Council approves new cycle lanes for the city centre | The Daily Courier
Home
News
Sport
Business
Council approves new cycle lanes for the city centre
By Sarah Jones
12 March 2024
Councillors voted by 31 to 12 on Tuesday evening to approve a network of protected cycle lanes across the city centre, after a debate that lasted more than four hours.
The scheme will be built in three phases, starting with the main shopping street in the autumn, and is expected to cost about 4.5 million pounds in total.
Opponents said the loss of parking would drive customers away from independent shops, while supporters pointed to falling footfall in the centre over the past decade.
Share on Facebook
",
        title: "Council approves new cycle lanes for the city centre",
        standfirst: &[],
        dropped: &[
            "Council approves new cycle lanes for the city centre | The Daily Courier",
            "By Sarah Jones",
            "12 March 2024",
        ],
        page_title: None,
        url: None,
    },
    Case {
        name: "headline repeated in a breadcrumb",
        page: "\
Home > Reviews > Headphones > Quiet Comfort Pro review

Quiet Comfort Pro review: the best noise cancelling for the money

Our verdict

The new headphones cancel more noise than any pair we have tested at this price, and the battery lasted a little over 30 hours in our tests with cancelling switched on.

The sound is warm and detailed, though the bass can feel heavy on some recordings, and the companion app lets you adjust the equaliser to taste.

Comfort is the weak point: after two hours the ear cups start to press, which matters on long flights, the use these headphones were made for.
",
        title: "Quiet Comfort Pro review: the best noise cancelling for the money",
        standfirst: &[],
        dropped: &["Home > Reviews > Headphones > Quiet Comfort Pro review"],
        page_title: None,
        url: None,
    },
    Case {
        name: "a crawler's title field points at the headline past a teaser",
        page: "\
Most read
Storm closes schools across the region
Ferry services suspended until Friday

Village fete raises record sum for hospice

Organisers of the summer fete said on Monday that this year's event had raised more than 12,000 pounds for the local hospice, almost twice the amount collected last year.

More than 3,000 people attended the fete, which included a dog show, a vintage car display and a tug of war between the village's two pubs.
",
        title: "Village fete raises record sum for hospice",
        standfirst: &[],
        dropped: &["Storm closes schools across the region"],
        page_title: Some("Village fete raises record sum for hospice | Valley Gazette"),
        url: None,
    },
    Case {
        name: "the URL's slug points at the headline",
        page: "\
Accueil
Actualités
Économie

Le prix du pain augmente pour la troisième fois cette année

Les boulangers invoquent la hausse du coût de la farine et de l'énergie, qui pèse sur leurs marges depuis plusieurs mois, selon la fédération professionnelle.

En moyenne, la baguette coûte désormais dix centimes de plus qu'en janvier, mais les écarts restent importants d'une région à l'autre.
",
        title: "Le prix du pain augmente pour la troisième fois cette année",
        standfirst: &[],
        dropped: &["Accueil"],
        page_title: None,
        url: Some("https://www.example.fr/economie/le-prix-du-pain-augmente-pour-la-troisieme-fois-cette-annee"),
    },
];

#[test]
fn usual_layouts_keep_and_label_the_head() {
    let stripper = Stripper::new();
    let mut failures = Vec::new();
    for case in CASES {
        let hints = Hints::new().title(case.page_title).url(case.url);
        let out = stripper.strip_with(case.page, &hints);
        let line = |i: usize| {
            String::from_utf8_lossy(out.line_bytes(i))
                .trim()
                .to_string()
        };
        let with = |label: Label| -> Vec<String> {
            (0..out.lines().len())
                .filter(|&i| out.lines()[i].label == label)
                .map(line)
                .collect()
        };
        let titles = with(Label::Title);
        if titles != [case.title] {
            failures.push(format!(
                "{}: title {titles:?}, expected {:?}",
                case.name, case.title
            ));
        }
        let standfirst = with(Label::Standfirst);
        if standfirst != case.standfirst {
            failures.push(format!(
                "{}: standfirst {standfirst:?}, expected {:?}",
                case.name, case.standfirst
            ));
        }
        for v in out.lines().iter().enumerate() {
            let (i, v) = v;
            let text = line(i);
            if case.dropped.contains(&text.as_str()) && v.kept {
                failures.push(format!("{}: kept {text:?} ({})", case.name, v.label));
            }
        }
        // The body is kept: every long line of prose below the title.
        let title_at = (0..out.lines().len()).find(|&i| line(i) == case.title);
        for (i, v) in out.lines().iter().enumerate() {
            let text = line(i);
            if title_at.is_some_and(|t| i > t) && text.len() > 120 && !v.kept {
                failures.push(format!("{}: dropped body {:?}", case.name, &text[..40]));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A page the model doubts from top to bottom (here: every score lowered by
/// a threshold of 2 log-odds) still keeps its most article-like region,
/// never nothing: losing a whole article is the worst failure.
#[test]
fn a_doubted_page_keeps_its_best_region() {
    let doubting = Stripper::builder().threshold(2.0).build().unwrap();
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/seeds")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let out = doubting.strip(&text);
        let kept: Vec<usize> = (0..out.lines().len())
            .filter(|&i| out.lines()[i].kept && out.lines()[i].label == Label::Body)
            .collect();
        let words: usize = kept
            .iter()
            .map(|&i| {
                String::from_utf8_lossy(out.line_bytes(i))
                    .split_whitespace()
                    .count()
            })
            .sum();
        assert!(
            words >= 40,
            "{}: {words} words of body kept",
            path.display()
        );
        // The default keeps more than the doubting stripper: the rescue
        // takes a region, not the page.
        let default = Stripper::new().strip(&text);
        let all = default.lines().iter().filter(|v| v.kept).count();
        assert!(
            kept.len() <= all,
            "{}: rescue kept more than the default",
            path.display()
        );
    }
}
