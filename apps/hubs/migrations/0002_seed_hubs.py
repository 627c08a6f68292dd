"""Seed the seven regional AI hubs and the provinces they cover (editable in the admin)."""

from django.db import migrations

# slug, name, provinces, Dutch description, English description
HUBS = [
    ("noord-nederland", "AI Hub Noord-Nederland", ["NL-GR", "NL-FR", "NL-DR"],
     "Brengt bedrijven, overheden en onderwijs in Groningen, Fryslân en Drenthe samen rond AI.",
     "Brings companies, government and education in Groningen, Friesland and Drenthe together "
     "around AI."),
    ("oost-nederland", "AI Hub Oost-Nederland", ["NL-OV", "NL-GE"],
     "De AI-hub voor Overijssel en Gelderland.",
     "The AI hub for Overijssel and Gelderland."),
    ("midden-nederland", "AI Hub Midden-Nederland", ["NL-UT", "NL-FL"],
     "De AI-hub voor Utrecht en Flevoland.",
     "The AI hub for Utrecht and Flevoland."),
    ("noord-holland-amsterdam", "AI Hub Noord-Holland/Amsterdam", ["NL-NH"],
     "De AI-hub voor Amsterdam en de rest van Noord-Holland.",
     "The AI hub for Amsterdam and the rest of North Holland."),
    ("zuid-holland", "AI Hub Zuid-Holland", ["NL-ZH"],
     "De AI-hub voor Zuid-Holland, van Leiden tot Rotterdam.",
     "The AI hub for South Holland, from Leiden to Rotterdam."),
    ("brainport-brabant", "AI Hub Brainport/Brabant", ["NL-NB", "NL-ZE"],
     "De AI-hub voor Noord-Brabant en Zeeland, met Brainport Eindhoven.",
     "The AI hub for North Brabant and Zeeland, with Brainport Eindhoven."),
    ("brightlands-limburg", "AI Hub Brightlands/Limburg", ["NL-LI"],
     "De AI-hub voor Limburg, verbonden met de Brightlands-campussen.",
     "The AI hub for Limburg, connected to the Brightlands campuses."),
]


def seed(apps, schema_editor):
    Hub = apps.get_model("hubs", "Hub")
    Province = apps.get_model("taxonomy", "Province")
    for slug, name, codes, description_nl, description_en in HUBS:
        hub, created = Hub.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "description_nl": description_nl,
                "description_en": description_en,
            },
        )
        if created:
            hub.provinces.set(Province.objects.filter(code__in=codes))


def unseed(apps, schema_editor):
    apps.get_model("hubs", "Hub").objects.filter(slug__in=[h[0] for h in HUBS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("hubs", "0001_initial"),
        ("taxonomy", "0002_reference_data"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
