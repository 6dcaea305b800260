"""The vocabulary of questions, English and French, as data.

Each concept lists its surface forms in folded text (lower case, no accents, see
text.fold). Multi-word forms match consecutive tokens. The parser tags tokens with
concepts; intent rules (intents.py) are written over concepts, never over raw text."""

from __future__ import annotations

from collections.abc import Iterable

CONCEPTS: dict[str, tuple[str, ...]] = {
    # what the question is about
    "remove_word": (
        "remove", "delete", "revoke", "retire", "supprime", "supprimer", "retirer", "enleve",
        "enlever", "revoque", "revoquer", "offboard",
    ),
    "make_word": (
        "make", "set", "change", "promote", "demote", "passe", "passer", "mets", "mettre",
        "nomme", "nommer", "rends", "rendre", "donne le role", "change le role",
    ),
    "audit_log": (
        "audit log", "audit logs", "audit trail", "journal d audit", "journal audit",
        "historique des modifications", "history of changes", "change log", "changelog",
        "who changed what", "qui a change quoi", "historique des changements",
    ),
    "product": (
        "partner app", "partner portal", "partner app bot", "the bot", "this bot", "the app",
        "partner app in teams",
    ),
    "customer": (
        "custs", "cust", "accts", "acct", "clts", "customer", "customers", "client", "clients",
        "tenant", "tenants", "clientes", "cliente",
        "locataire", "locataires", "end customers", "clients finaux", "accounts", "comptes",
    ),
    "partner": (
        "partner", "partners", "partenaire", "partenaires", "reseller", "resellers", "revendeur",
        "revendeurs",
    ),
    "distributor": (
        "distributor", "distributors", "distributeur", "distributeurs", "distribution partners",
        "grossiste", "grossistes", "distis", "disti",
    ),
    "operator": (
        "operator", "operators", "operateur", "operateurs", "operatrice", "operatrices",
        "bot access", "with bot access", "access to the partner app", "acces au bot",
        "who has access", "who have access", "qui a acces", "qui ont acces", "users",
        "utilisateurs", "members", "membres", "admins", "administrators", "administrateurs",
        "administratrices", "readers", "lecteurs", "lectrices", "team members",
        "people with access",
        "personnes ayant acces", "has access", "have access", "with access", "can access",
        "access to the bot", "access to this bot", "can use this bot", "use this bot",
        "can use the bot", "use the bot", "ont acces", "a acces", "ayant acces",
        "peut utiliser", "peuvent utiliser", "utiliser le bot", "utiliser ce bot", "logins",
        "accounts with access",
    ),
    "license": (
        "license", "licenses", "licence", "licences", "seat", "seats", "siege", "sieges",
        "postes", "user licenses", "licensed users",
    ),
    "sku": (
        "sku", "skus", "product", "products", "produit", "produits", "plan", "plans", "offer",
        "offers", "offre", "offres", "subscriptions", "subscription", "abonnement", "abonnements",
        "modules", "module", "solutions", "editions", "subs", "subscribed to", "subscribed",
        "abonne a", "abonnes a", "souscrit a",
    ),
    # question shapes
    "count": (
        "how many", "how much", "number of", "count", "combien", "nombre de", "nombre d", "nb de",
        "count of", "nombre", "quantity", "quantite",
    ),
    "total": (
        "total", "in total", "au total", "overall", "altogether", "sum", "somme", "en tout",
        "au global", "globalement", "cumulative", "cumul",
    ),
    "when": (
        "when", "quand", "what date", "which date", "quelle date", "date", "a quelle date",
        "expiry date", "expiration date", "date d expiration", "date de fin", "end date",
        "renewal date", "date de renouvellement", "echeance",
    ),
    "expire": (
        "expire", "expires", "expiring", "expiry", "expiration", "expirations", "expirent",
        "expire t",
        "expirant", "expirera", "expireront", "expirer", "renewal", "renewals", "renew",
        "up for renewal", "due for renewal", "renouvellement", "renouvellements", "a renouveler",
        "ending", "end", "ends", "finissent", "se terminent", "arrivent a echeance",
        "arrive a echeance", "echeance", "echeances", "lapse", "lapsing", "run out", "runs out",
        "expiries", "arrivant a echeance", "arrivant", "renewing", "up for renew", "due",
        "renouvelle", "renouvellent", "se termine", "terminent", "prennent fin", "prend fin",
        "arrivent a terme", "arrive a terme", "arriver a terme", "arrivant a terme",
        "viennent a echeance", "vient a echeance", "come due", "comes due", "coming due",
    ),
    "expired": (
        "expired", "lapsed", "expirees", "echus", "echues", "already expired", "deja expires",
        "ont expire", "sont expires", "sont expire", "sont expirees", "have expired",
        "has expired", "have lapsed", "has lapsed", "no active subs", "no active sub",
        "no active subscription", "no active subscriptions", "without an active subscription",
        "without active subscriptions", "without active subscription", "sans abonnement actif",
        "aucun abonnement actif", "plus d abonnement actif", "plus aucun abonnement actif",
        "no active licenses", "no active licences", "nothing active",
        "no longer active", "inactive", "inactifs", "inactives", "plus actifs", "plus actives",
        "churned", "perdus", "out of contract", "hors contrat",
    ),
    "onboarded": (
        "onboarded", "activated", "active tenants", "integres", "integre", "integrees", "actives",
        "actives", "connected", "connectes", "onboarde", "onboardes",
    ),
    "not": (
        "not", "non", "pas", "never", "jamais", "no", "without", "sans", "aren t", "isn t",
        "yet to be", "not yet", "pas encore", "still not", "toujours pas", "haven t", "hasn t",
        "weren t", "wasn t", "don t", "doesn t", "didn t", "have not", "has not", "n ont pas",
        "ne sont pas", "n est pas", "n a pas",
    ),
    "pending": (
        "waiting for activation", "pending activation", "awaiting activation",
        "activation pending", "invited", "invites", "invitees", "en attente d activation",
        "en attente", "pending", "waiting", "awaiting", "activation en attente",
    ),
    "need_onboarding": (
        "need onboarding", "needs onboarding", "still need onboarding", "to be onboarded",
        "yet to onboard", "still to onboard", "need to be onboarded", "needing onboarding",
        "a integrer", "reste a integrer", "restent a integrer", "encore a integrer",
        "not onboarded", "non onboardes", "pas onboardes",
    ),
    "accepted_invitation": (
        "accepte l invitation", "accepte leur invitation", "accepted the invitation",
        "accepted the invite", "accepted their invitation", "accepted their invite",
        "accepted the invitations",
    ),
    "not_invited": (
        "not invited", "never invited", "uninvited", "pas invites", "jamais invites",
        "non invites", "without invitation", "sans invitation",
    ),
    "list": (
        "list", "show", "display", "give", "get", "which", "what", "who", "find", "affiche",
        "afficher", "liste", "lister", "montre", "montrer", "donne", "donner", "quels", "quelles",
        "quel", "quelle", "qui", "trouve", "voir", "see", "view", "all", "tous", "toutes",
        "full", "complete", "entire", "whole", "complet", "complete", "entier", "entiere", "my",
        "mes", "nos", "our",
    ),
    "more_than": (
        "more than", "over", "above", "greater than", "exceeding", "plus de", "plus que",
        "superieur a", "au dessus de", "au dela de", "bigger than", "larger than", "higher than",
        "exceed", "exceeds", ">", "depassent", "depasse", "depassant", "more then", "+ de",
    ),
    "at_least": ("at least", "minimum", "au moins", "min", ">="),
    "less_than": (
        "fewer than", "less than", "under", "below", "moins de", "moins que", "inferieur a",
        "en dessous de", "au dessous de", "smaller than", "lower than", "<",
    ),
    "at_most": ("at most", "maximum", "au plus", "max", "up to", "jusqu a", "<="),
    "of": (
        "of", "for", "from", "under", "belonging to", "managed by", "de", "du", "des", "d",
        "pour", "chez", "sous", "appartenant a", "geres par", "by", "par",
    ),
    "has": (
        "have", "has", "having", "with", "using", "use", "uses", "bought", "buy", "own", "owns",
        "subscribed to", "avec", "ont", "a", "possedent", "possede", "utilisent", "utilise",
        "achete", "ont achete", "souscrit", "running", "on", "equipes de", "equipe de",
        "disposent de", "dispose de", "disposant de", "beneficient de",
        "equipped with", "w", "sous",
    ),
    "help": (
        "help", "aide", "aidez moi", "what can i ask", "what can you do", "que puis je demander",
        "que peux tu faire", "que sais tu faire", "commands", "commandes", "menu",
    ),
    "greeting": ("hello", "hi", "hey", "bonjour", "salut", "coucou", "good morning"),
    # FAQ
    "account_manager": (
        "account manager", "account managers", "gestionnaire de compte", "responsable de compte",
        "charge de compte", "my contact", "mon contact", "interlocuteur", "my rep", "sales rep",
        "commercial", "account executive", "key account manager", "kam",
    ),
    "how": (
        "how", "comment", "how do i", "how can i", "how to", "comment puis je", "comment faire",
        "what is the way", "procedure",
    ),
    "add": (
        "ajoutez", "ajouter", "rajoute", "give access to", "donne acces a",
        "add", "ajouter", "ajoute", "invite", "inviter", "create", "creer", "new", "nouveau",
        "nouvel", "nouvelle", "grant", "donner acces",
    ),
    "notify": (
        "notify", "notifies", "notification", "notifications", "notif", "notifs", "alert me",
        "alerts", "digest", "digests", "remind me", "reminders", "notifie", "notifier",
        "notifiez", "notifie moi", "previens", "previens moi", "prevenir", "rappelle moi",
        "rappels", "alertes", "alerte moi",
    ),
    # leave one organization out of this conversation's notifications for a while
    # the monthly licence report (figures per SKU and partner, and what changed)
    "licence_report": (
        "licence report", "license report", "licences report", "licenses report",
        "monthly report", "monthly licence report", "monthly license report",
        "rapport mensuel", "rapport des licences", "rapport de licences", "bilan mensuel",
        "bilan des licences", "rapport licences",
    ),
    "report_word": ("report", "reports", "rapport", "rapports", "bilan"),
    # where a recurring message goes, and how it is asked for ("send … to this channel")
    "here": (
        "here", "in here", "this channel", "this chat", "this conversation", "this team",
        "channel", "chat", "conversation", "ici", "ce canal", "cette conversation",
        "ce chat", "cette equipe", "canal",
    ),
    "recurring": (
        "every month", "each month", "every 1st", "on the 1st", "chaque mois", "tous les mois",
        "mensuellement", "chaque debut de mois", "every start of month",
    ),
    "subscribe": (
        "subscribe", "subscribe me", "sign up", "sign me up", "abonne", "abonner", "abonnez",
        "abonnes", "inscris", "inscrire", "inscrivez",
    ),
    "deliver": (
        "post", "posts", "poste", "poster", "postez", "publish", "publie", "publier",
        "publiez", "share", "partage", "partager", "partagez", "deliver", "deliver it",
    ),
    "snooze": (
        "snooze", "snoozed", "snoozes", "snoozer", "snoozes", "pause", "en pause",
        "mettre en pause", "mets en pause", "met en pause", "mettez en pause",
    ),
    "unsnooze": (
        "unsnooze", "unsnoozed", "un snooze", "end the snooze", "remove the snooze",
        "enleve la pause", "retire la pause", "leve la pause", "fin de la pause",
        "sors de pause", "sortir de pause", "reprends", "reprendre",
    ),
    "put": ("mets", "mettre", "met", "mettez"),  # "mets <name> en pause"
    "stop": (
        "stop", "stopper", "unsubscribe", "disable", "turn off", "switch off", "no more",
        "arrete", "arreter", "arretez", "desabonne", "desabonner", "desactive", "desactiver",
        "plus de", "coupe", "couper",
    ),
    # what was delivered to this conversation, and what failed
    "notify_status": (
        "notification status", "notifications status", "status of notifications",
        "status of the notifications", "delivery status", "notify status",
        "etat des notifications", "statut des notifications", "etat des envois",
        "etat de livraison", "etat des notifs",
    ),
    "settings": (
        "settings", "setting", "configuration", "config", "parametres", "parametrage",
        "reglages", "which notifications", "quelles notifications", "status of notifications",
    ),
    "send": (
        "send", "resend", "re send", "email", "e mail", "mail", "envoie", "envoyer", "envoyez",
        "envoies", "renvoie", "renvoyer", "renvoyez", "expedie", "expedier", "transmets",
        "transmettre",
    ),
    "onboard": (
        "onboard", "onboarding", "activate", "activation", "activer", "integrer", "integration",
        "activation link", "activation links", "lien d activation", "liens d activation",
        "activation e mail", "activation email", "mail d activation", "e mail d activation",
        "connect", "connecter", "consent", "consentement",
    ),
    "role": (
        "role", "roles", "rights", "droits", "permissions", "permission", "access", "acces",
        "privileges", "admin", "administrateur", "reader", "lecteur",
    ),
    "manage": (
        "manage", "change", "modify", "edit", "gerer", "modifier", "changer", "remove",
        "supprimer", "retirer", "promote", "promouvoir",
    ),
    "can_i_see": (
        "what can i see", "que puis je voir", "what do i see", "what can i view",
        "qu est ce que je vois", "what data", "quelles donnees", "my access", "mon acces",
        "what am i allowed", "my rights", "mes droits", "visible", "visibles",
        "what can i access", "a quoi ai je acces",
    ),
    # a role named as such (operators of that role), and "who" asking for people
    "role_word": (
        "admin", "admins", "administrator", "administrators", "administrateur",
        "administrateurs", "administratrice", "administratrices", "reader", "readers",
        "lecteur", "lecteurs", "lectrice", "lectrices",
    ),
    "who": ("who", "whom", "qui"),
    "me": ("i", "me", "my", "je", "moi", "mon", "ma", "mes", "we", "our", "nous", "notre", "nos"),
    # Data the Partner App does not hold (SPEC section 3): answered `unsupported`, naming
    # what the bot does know. The family: seat assignment and usage, money (prices, costs,
    # revenue, margins, invoices), sign-ins, security, support, people and mailboxes.
    "unsupported": (
        "assigned", "unassigned", "not assigned", "attribuee", "attribuees", "attribue",
        "non attribuees", "non attribuee", "affectees", "usage", "utilisation", "utilisee",
        "utilisees", "used seats", "seats used", "consumption", "consommation",
        "price", "prices", "pricing", "cost", "costs", "prix", "tarif", "tarifs", "coute",
        "coutent", "revenue", "revenues", "turnover", "chiffre d affaires", "revenu",
        "revenus", "margin", "margins", "marge", "marges", "profit", "invoice", "invoices",
        "facture", "factures", "sign in", "sign ins", "signed in", "signins", "login",
        "logins", "connexion", "connexions", "security alert", "security alerts",
        "alerte de securite", "alertes de securite", "security incidents", "mfa",
        "incident", "incidents", "ticket", "tickets", "active users", "inactive users",
        "utilisateurs actifs", "utilisateurs inactifs", "employees", "employes", "salaries",
        "mailbox", "mailboxes", "boites mail", "boites aux lettres", "purchase order",
        "purchase orders", "bon de commande", "bons de commande", "quote", "quotes", "devis",
        "payment", "payments", "paiement", "paiements",
    ),
}

STOPWORDS = frozenset(
    [
        "a", "an", "the", "is", "are", "do", "does", "did", "be", "been", "being", "to", "in",
        "on", "at", "it", "its", "this", "that", "these", "those", "and", "or", "please", "pls",
        "plz", "can", "could", "would", "you", "me", "us", "tell", "let", "s", "there", "any",
        "some", "whose", "which", "that's", "le", "la", "les", "l", "un", "une", "des", "du",
        "de", "d", "et", "ou", "est", "sont", "ce", "cet", "cette", "ces", "il", "elle", "ils",
        "elles", "y", "en", "au", "aux", "qui", "que", "qu", "quoi", "dont", "svp", "stp", "s",
        "il", "vous", "plait", "merci", "thanks", "thank", "me", "moi", "nous", "vous", "on",
        "sur", "currently", "actuellement", "now", "maintenant", "right", "just", "only",
        "seulement", "already", "deja", "still", "encore", "about", "concernant", "quels",
        "quelles", "yet",
    ]
)

# Closed classes for dates (dates.py) and numbers (numbers.py) are in those modules;
# their words are part of the vocabulary for typo correction too.


def phrases_by_concept() -> dict[str, list[tuple[str, ...]]]:
    out: dict[str, list[tuple[str, ...]]] = {}
    for concept, forms in CONCEPTS.items():
        out[concept] = sorted({tuple(f.split()) for f in forms}, key=len, reverse=True)
    return out


def vocabulary(extra: Iterable[str] = ()) -> frozenset[str]:
    words: set[str] = set(STOPWORDS)
    for forms in CONCEPTS.values():
        for form in forms:
            words.update(form.split())
    words.update(extra)
    return frozenset(w for w in words if w.isalpha() or w.isalnum())
