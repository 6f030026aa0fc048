"""The one rule for "is this the same organisation?": names, website hosts, and how close is close enough.

Both the signing step (possible duplicates of a new organisation) and the
programme team's checks (earlier pledges, the signatory's email against the
website) ask this module, so they always give the same answer for the same
pair. It reads no models: the database only narrows candidates
(`Organisation.objects.possibly_same_as`); the decision is made here.
"""

import re
import unicodedata
from difflib import SequenceMatcher
from urllib.parse import urlsplit

# Words that do not tell two organisations apart, wherever they appear: "The Bristol Mind" is "Bristol Mind".
IGNORED_WORDS = frozenset({"the"})
# Legal and status endings, longest first, stripped from the end of a name (repeatedly, keeping one word).
LEGAL_ENDINGS = tuple(
    sorted(
        [
            ("nhs", "foundation", "trust"),
            ("foundation", "trust"),
            ("nhs", "trust"),
            ("ltd",),
            ("limited",),
            ("plc",),
            ("llp",),
            ("cic",),
            ("cio",),
            ("inc",),
            ("charity",),
            ("registered", "charity"),
            ("community", "interest", "company"),
            ("charitable", "incorporated", "organisation"),
        ],
        key=len,
        reverse=True,
    )
)
# Each word of two names must be at least this alike (difflib's ratio) for a typo to be forgiven.
# Word by word, so "North Somerset Council" is never "South Somerset Council", and short words
# ("Mind", "Mine") must be spelled the same.
NEAR_MATCH_RATIO = 0.8

# Hosts and email domains many unrelated organisations share: on its own, a match there means nothing.
SHARED_HOSTS = frozenset(
    {
        # Social sites and page builders
        "facebook.com",
        "instagram.com",
        "linkedin.com",
        "twitter.com",
        "x.com",
        "linktr.ee",
        "sites.google.com",
        "wordpress.com",
        "wixsite.com",
        # Public namespaces: each organisation has its own host under these
        "nhs.uk",
        "gov.uk",
        "sch.uk",
        "police.uk",
        "ac.uk",
        "org.uk",
        "co.uk",
        "ltd.uk",
        "plc.uk",
        "me.uk",
        "net.uk",
        # Email anyone can use
        "nhs.net",
        "gmail.com",
        "googlemail.com",
        "hotmail.com",
        "hotmail.co.uk",
        "outlook.com",
        "live.co.uk",
        "yahoo.com",
        "yahoo.co.uk",
        "icloud.com",
        "btinternet.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
    }
)
# Namespaces whose every direct subdomain is shared too: schools sit under a local authority's
# "bristol.sch.uk", which is no single school's host.
SHARED_HOST_PARENTS = frozenset({"sch.uk"})

# Words so common in organisation names that narrowing candidates by them finds everyone.
COMMON_NAME_WORDS = frozenset(
    {
        "the", "and", "of", "for", "in", "ltd", "limited", "cic", "charity", "trust", "group", "service",
        "services", "council", "nhs", "foundation", "partnership", "board", "team", "community", "bristol",
        "north", "south", "somerset", "gloucestershire", "west", "east", "city", "county", "uk",
    }
)  # fmt: skip


# Names ----------------------------------------------------------------------------


def name_words(name: str) -> list[str]:
    """The words that identify an organisation's name: no case, accents, punctuation, "the" or legal ending.

    "&" reads as "and". "The Bristol Mind Charity" gives ["bristol", "mind"].
    """
    decomposed = unicodedata.normalize("NFKD", name.casefold().replace("&", " and "))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = [word for word in re.findall(r"[^\W_]+", plain) if word not in IGNORED_WORDS]
    stripped = True
    while stripped:
        stripped = False
        for ending in LEGAL_ENDINGS:
            if len(words) > len(ending) and tuple(words[-len(ending) :]) == ending:
                words = words[: -len(ending)]
                stripped = True
                break
    return words


def name_key(name: str) -> str:
    """A key equal for names differing only in case, accents, spacing, punctuation, "the" or legal ending."""
    return "".join(name_words(name))


def names_match(name: str, other_name: str) -> bool:
    """Whether two names are one organisation's: the same key, or the same words allowing a typo in each."""
    key, other_key = name_key(name), name_key(other_name)
    if not key or not other_key:
        return False
    if key == other_key:
        return True
    words, other_words = name_words(name), name_words(other_name)
    return len(words) == len(other_words) and all(
        SequenceMatcher(None, word, other).ratio() >= NEAR_MATCH_RATIO
        for word, other in zip(words, other_words, strict=True)
    )


def distinctive_word(name: str) -> str:
    """The longest uncommon word in a name: enough to find near-duplicates with one query."""
    words = name_words(name)
    uncommon = [word for word in words if word not in COMMON_NAME_WORDS]
    return max(uncommon or words, key=len, default="")


# Website hosts ----------------------------------------------------------------------


def website_host(website: str) -> str:
    """The website's host, lower case and without scheme, "www.", port or path; "" when there is none.

    A bare "example.org.uk" is read as a host, as people type it.
    """
    website = (website or "").strip()
    if not website:
        return ""
    if "//" not in website:
        website = f"//{website}"
    try:
        host = urlsplit(website).hostname or ""
    except ValueError:
        return ""
    return host.rstrip(".").removeprefix("www.")


def email_domain(email: str) -> str:
    """The part of an email address after the "@", lower case."""
    return email.rpartition("@")[2].strip().lower().rstrip(".")


def is_shared_host(host: str) -> bool:
    """Whether many unrelated organisations use `host` (or it is a bare top-level domain)."""
    return "." not in host or host in SHARED_HOSTS or host.partition(".")[2] in SHARED_HOST_PARENTS


def hosts_match(host: str, other_host: str) -> bool:
    """Whether two hosts are one organisation's: the same, or one under the other, and neither shared.

    "mail.sirona-cic.org.uk" matches "sirona-cic.org.uk"; "nbt.nhs.uk" never matches "nhs.uk".
    """
    if not host or not other_host or is_shared_host(host) or is_shared_host(other_host):
        return False
    return host == other_host or host.endswith(f".{other_host}") or other_host.endswith(f".{host}")


def identifying_hosts(website: str) -> list[str]:
    """The website's host and the hosts above it that could match it: none of them shared.

    "https://kids.bristol.gov.uk/x" gives ["kids.bristol.gov.uk", "bristol.gov.uk"].
    """
    host = website_host(website)
    hosts = []
    while host and not is_shared_host(host):
        hosts.append(host)
        host = host.partition(".")[2]
    return hosts


# The rule ----------------------------------------------------------------------------


def is_same_organisation(*, name: str, website: str, other_name: str, other_website: str) -> bool:
    """Whether two organisations may be the same one: their names match, or their websites' hosts do."""
    return names_match(name, other_name) or hosts_match(website_host(website), website_host(other_website))
