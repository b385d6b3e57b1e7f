"""A group's agreements made as one batch (build_agreements): each a whole PDF of its own
member, as it would print made alone, rare name characters drawn."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest

from app.documents import fonts
from app.documents.agreement import build_agreement, build_agreements
from app.documents.errors import MissingGlyphs
from app.documents.typography import amount_text
from tests.documents import samples
from tests.documents.pdfcheck import drawn_characters, page_images, pages, squeeze

MEMBERS = 160  # the 150th holds 𠮷 (extension B, drawn by a fallback font)
LOOKED_AT = (1, 2, 50, 100, 149, 150, 151, MEMBERS)


@pytest.fixture(scope="module")
def batch() -> list[bytes]:
    fonts._PROGRAMS.clear()  # the batch makes its shared subsets itself
    return build_agreements(samples.group_batch(MEMBERS))


def alone(member: int) -> bytes:
    out = io.BytesIO()
    build_agreement(samples.group_agreement(member), out)
    return out.getvalue()


def test_the_members_names_are_their_own():
    # What the next test relies on: no member's name is another's or part of the form.
    names = [samples.member_name(i) for i in range(1, MEMBERS + 1)]
    assert len(set(names)) == len(names)
    form = "".join(pages(alone(1))).replace(names[0], "")
    assert not [n for n in names if n in form]


@pytest.mark.parametrize("member", LOOKED_AT)
def test_each_agreement_holds_its_own_member_and_no_other(batch, member):
    text = "".join(pages(batch[member - 1]))
    assert samples.member_name(member) in text
    assert squeeze(amount_text(samples.member_amount(member))) in text
    assert f"{samples.GROUP_PREFIX}{member:04d}" in text
    others = {samples.member_name(i) for i in range(1, MEMBERS + 1)} - {
        samples.member_name(member)}
    assert not [name for name in others if name in text]


def test_every_agreement_of_the_batch_is_made(batch):
    assert len(batch) == MEMBERS
    assert all(pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF") for pdf in batch)
    assert max(len(pdf) for pdf in batch) < 200 * 1024


@pytest.mark.parametrize(("member", "rare"), [(50, "䶮"), (100, "㛃"), (150, "𠮷")])
def test_a_rare_name_character_is_drawn_in_its_own_document(batch, member, rare):
    pdf = batch[member - 1]
    assert rare in samples.member_name(member)
    assert rare in "".join(pages(pdf))
    assert rare in drawn_characters(pdf)


@pytest.mark.parametrize("member", LOOKED_AT)
def test_every_character_printed_has_its_glyph_embedded(batch, member):
    pdf = batch[member - 1]
    printed = set("".join(pages(pdf)))
    assert printed - drawn_characters(pdf) == set()


@pytest.mark.parametrize("member", LOOKED_AT)
def test_no_glyph_of_another_members_text(batch, member):
    """Subsets seeded with what every agreement prints: a document embeds no character
    that only other members' agreements print (ASCII aside, which reportlab always
    embeds whole)."""
    pdf = batch[member - 1]
    extra = {c for c in drawn_characters(pdf) - set("".join(pages(pdf))) if ord(c) > 0x7F}
    assert extra == set()


@pytest.mark.parametrize("member", [1, 150, MEMBERS])
def test_an_agreement_of_a_batch_reads_and_looks_as_made_alone(batch, member):
    single = alone(member)
    assert pages(batch[member - 1]) == pages(single)
    assert page_images(batch[member - 1]) == page_images(single)


def test_a_second_batch_with_its_subsets_kept_gives_the_same_bytes(batch):
    again = build_agreements(samples.group_batch(MEMBERS))
    assert again == batch


def test_a_character_no_font_has_refuses_the_batch():
    batch = samples.group_batch(3)
    strange = "\U000f0001"  # private use: no font draws it
    batch[1] = replace(batch[1], facts=batch[1].facts + strange)
    with pytest.raises(MissingGlyphs) as refused:
        build_agreements(batch)
    assert strange in refused.value.chars
