//! Every word the widgets show, in English, German and Spanish.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labels {
    pub lang: &'static str,
    pub live: &'static str,
    pub final_: &'static str,
    pub scheduled: &'static str,
    pub tip_off: &'static str,
    pub loading: &'static str,
    pub unknown_match: &'static str,
    pub denied: &'static str,
    pub reconnecting: &'static str,
    pub offline: &'static str,
    pub failed: &'static str,
    pub last_event: &'static str,
    pub period: &'static str,
    pub overtime: &'static str,
    pub score_of: &'static str,
    pub previous: &'static str,
    pub next: &'static str,
    pub no_games: &'static str,
    pub live_games: &'static str,
    pub competition: &'static str,
    pub slide_of: &'static str,
    pub events: EventWords,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventWords {
    pub made2: &'static str,
    pub missed2: &'static str,
    pub made3: &'static str,
    pub missed3: &'static str,
    pub ft_made: &'static str,
    pub ft_missed: &'static str,
    pub rebound: &'static str,
    pub assist: &'static str,
    pub steal: &'static str,
    pub block: &'static str,
    pub turnover: &'static str,
    pub foul: &'static str,
    pub timeout: &'static str,
}

impl EventWords {
    /// Words for an event type; unknown types are shown as the API names them.
    pub fn describe<'a>(&self, kind: &'a str) -> &'a str
    where
        'static: 'a,
    {
        match kind {
            "2pt_made" => self.made2,
            "2pt_missed" => self.missed2,
            "3pt_made" => self.made3,
            "3pt_missed" => self.missed3,
            "ft_made" => self.ft_made,
            "ft_missed" => self.ft_missed,
            "rebound" | "offensive_rebound" | "defensive_rebound" => self.rebound,
            "assist" => self.assist,
            "steal" => self.steal,
            "block" => self.block,
            "turnover" => self.turnover,
            "foul" | "personal_foul" => self.foul,
            "timeout" => self.timeout,
            other => other,
        }
    }
}

pub static EN: Labels = Labels {
    lang: "en",
    live: "Live",
    final_: "Final",
    scheduled: "Scheduled",
    tip_off: "Tip-off",
    loading: "Loading the score…",
    unknown_match: "This match is not available.",
    denied: "Access to this match was refused.",
    reconnecting: "Reconnecting",
    offline: "Offline",
    failed: "Live updates stopped",
    last_event: "Last",
    period: "Q",
    overtime: "OT",
    score_of: "Score",
    previous: "Previous game",
    next: "Next game",
    no_games: "No live games right now.",
    live_games: "Live games",
    competition: "Competition",
    slide_of: "of",
    events: EventWords {
        made2: "2-pointer",
        missed2: "Missed 2",
        made3: "3-pointer",
        missed3: "Missed 3",
        ft_made: "Free throw",
        ft_missed: "Missed free throw",
        rebound: "Rebound",
        assist: "Assist",
        steal: "Steal",
        block: "Block",
        turnover: "Turnover",
        foul: "Foul",
        timeout: "Timeout",
    },
};

pub static DE: Labels = Labels {
    lang: "de",
    live: "Live",
    final_: "Endstand",
    scheduled: "Angesetzt",
    tip_off: "Sprungball",
    loading: "Spielstand wird geladen…",
    unknown_match: "Dieses Spiel ist nicht verfügbar.",
    denied: "Der Zugriff auf dieses Spiel wurde verweigert.",
    reconnecting: "Verbinde neu",
    offline: "Offline",
    failed: "Live-Daten gestoppt",
    last_event: "Zuletzt",
    period: "V",
    overtime: "VL",
    score_of: "Spielstand",
    previous: "Vorheriges Spiel",
    next: "Nächstes Spiel",
    no_games: "Gerade laufen keine Spiele.",
    live_games: "Live-Spiele",
    competition: "Wettbewerb",
    slide_of: "von",
    events: EventWords {
        made2: "Zweier",
        missed2: "Zweier vergeben",
        made3: "Dreier",
        missed3: "Dreier vergeben",
        ft_made: "Freiwurf",
        ft_missed: "Freiwurf vergeben",
        rebound: "Rebound",
        assist: "Assist",
        steal: "Ballgewinn",
        block: "Block",
        turnover: "Ballverlust",
        foul: "Foul",
        timeout: "Auszeit",
    },
};

pub static ES: Labels = Labels {
    lang: "es",
    live: "En vivo",
    final_: "Final",
    scheduled: "Programado",
    tip_off: "Salto inicial",
    loading: "Cargando el marcador…",
    unknown_match: "Este partido no está disponible.",
    denied: "Se denegó el acceso a este partido.",
    reconnecting: "Reconectando",
    offline: "Sin conexión",
    failed: "Actualizaciones detenidas",
    last_event: "Última",
    period: "C",
    overtime: "PR",
    score_of: "Marcador",
    previous: "Partido anterior",
    next: "Partido siguiente",
    no_games: "No hay partidos en vivo ahora.",
    live_games: "Partidos en vivo",
    competition: "Competición",
    slide_of: "de",
    events: EventWords {
        made2: "Doble",
        missed2: "Doble fallado",
        made3: "Triple",
        missed3: "Triple fallado",
        ft_made: "Tiro libre",
        ft_missed: "Tiro libre fallado",
        rebound: "Rebote",
        assist: "Asistencia",
        steal: "Robo",
        block: "Tapón",
        turnover: "Pérdida",
        foul: "Falta",
        timeout: "Tiempo muerto",
    },
};

/// Labels for a language tag (`de`, `de-AT`, `es-419` …); English when unknown.
pub fn for_lang(tag: &str) -> &'static Labels {
    let primary = tag.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
    match primary.as_str() {
        "de" => &DE,
        "es" => &ES,
        _ => &EN,
    }
}

/// The label a `label-…` attribute overrides, by its attribute name.
pub fn override_slot<'a>(labels: &'a mut Labels, name: &str) -> Option<&'a mut &'static str> {
    Some(match name {
        "live" => &mut labels.live,
        "final" => &mut labels.final_,
        "scheduled" => &mut labels.scheduled,
        "tip-off" => &mut labels.tip_off,
        "loading" => &mut labels.loading,
        "unknown-match" => &mut labels.unknown_match,
        "denied" => &mut labels.denied,
        "reconnecting" => &mut labels.reconnecting,
        "offline" => &mut labels.offline,
        "failed" => &mut labels.failed,
        "last" => &mut labels.last_event,
        "previous" => &mut labels.previous,
        "next" => &mut labels.next,
        "no-games" => &mut labels.no_games,
        "live-games" => &mut labels.live_games,
        "competition" => &mut labels.competition,
        _ => return None,
    })
}

/// The names `label-…` attributes may take.
pub const OVERRIDABLE: &[&str] = &[
    "live", "final", "scheduled", "tip-off", "loading", "unknown-match", "denied", "reconnecting", "offline",
    "failed", "last", "previous", "next", "no-games", "live-games", "competition",
];
