"""Generate ``spacy_mbre/data/schemas/redocred.json`` from the Re-DocRED data.

Usage::

    python scripts/make_redocred_schema.py [DATA_DIR] [OUTPUT]

DATA_DIR defaults to ``../shared/data/re_docred`` next to the repository and
must hold ``dev_revised.json`` and ``pid2name.json``.

Where the 96 labels come from:

* The relation ids used by the triples of ``dev_revised.json`` (95 of them).
* ``P1198`` (unemployment rate), the one relation of Re-DocRED's / DocRED's
  96-relation inventory (``rel_info.json``) that no dev triple uses. It is
  added so the label set is the dataset's, not just the dev split's.
* Names and Wikidata descriptions come from ``pid2name.json`` (FewRel). Nine
  ids are missing from that file (the seven time properties P569, P570, P571,
  P576, P577, P580, P582, P585 and P1198); their name is DocRED's
  ``rel_info.json`` name and their description is the Wikidata description,
  both written out in :data:`MISSING` below.

Each description reads ``<role phrase> (<Wikidata description>)``: the role
phrase (:data:`PHRASES`) says which of ``{head}`` (the Wikidata subject) and
``{tail}`` (the object) plays which part, the Wikidata description is cut at
its first sentence / usage note so it stays one line.

No ``types`` are written: the (head type, tail type) pairs observed in 500 dev
documents are an incomplete whitelist (rare relations have 1-15 triples) and
would make ``mbre_pairs`` drop valid candidates elsewhere.
"""
import re
import sys
from pathlib import Path
from typing import Dict, List, Tuple

import srsly

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "re_docred"
DEFAULT_OUTPUT = REPO / "spacy_mbre" / "data" / "schemas" / "redocred.json"
EXPECTED_LABELS = 96

# Relations of the DocRED inventory absent from pid2name.json:
# id -> (DocRED rel_info name, Wikidata description).
MISSING: Dict[str, Tuple[str, str]] = {
    "P569": ("date of birth", "date on which the subject was born"),
    "P570": ("date of death", "date on which the subject died"),
    "P571": ("inception", "date or point in time when the subject came into existence as defined"),
    "P576": ("dissolved, abolished or demolished", "point in time at which the subject ceased to exist"),
    "P577": ("publication date", "date or point in time when a work was first published or released"),
    "P580": ("start time", "time an item begins to exist or a statement starts being valid"),
    "P582": ("end time", "time an item ceases to exist or a statement stops being valid"),
    "P585": ("point in time", "time and date something took place, existed or a statement was true"),
    "P1198": ("unemployment rate", "portion of a workforce population that is not employed"),
}
NOT_IN_DEV = ["P1198"]

# Role phrases: {head} is the Wikidata subject, {tail} the object.
PHRASES: Dict[str, str] = {
    "P6": "{tail} is the head of government of {head}",
    "P17": "{tail} is the country of {head}",
    "P19": "{tail} is the place of birth of {head}",
    "P20": "{tail} is the place of death of {head}",
    "P22": "{tail} is the father of {head}",
    "P25": "{tail} is the mother of {head}",
    "P26": "{tail} is the spouse of {head}",
    "P27": "{tail} is the country of citizenship of {head}",
    "P30": "{tail} is the continent of {head}",
    "P31": "{head} is an instance of {tail}",
    "P35": "{tail} is the head of state of {head}",
    "P36": "{tail} is the capital of {head}",
    "P37": "{tail} is the official language of {head}",
    "P39": "{head} holds or held the position {tail}",
    "P40": "{tail} is a child of {head}",
    "P50": "{tail} is the author of {head}",
    "P54": "{head} plays or played for the sports team {tail}",
    "P57": "{tail} is the director of {head}",
    "P58": "{tail} is the screenwriter of {head}",
    "P69": "{head} was educated at {tail}",
    "P86": "{tail} is the composer of {head}",
    "P102": "{head} is a member of the political party {tail}",
    "P108": "{tail} is the employer of {head}",
    "P112": "{head} was founded by {tail}",
    "P118": "{tail} is the league in which {head} plays",
    "P123": "{tail} is the publisher of {head}",
    "P127": "{head} is owned by {tail}",
    "P131": "{head} is located in the administrative territorial entity {tail}",
    "P136": "{tail} is the genre of {head}",
    "P137": "{tail} is the operator of {head}",
    "P140": "{tail} is the religion of {head}",
    "P150": "{head} contains the administrative territorial entity {tail}",
    "P155": "{head} follows {tail} in a series",
    "P156": "{head} is followed by {tail} in a series",
    "P159": "{tail} is the headquarters location of {head}",
    "P161": "{tail} is a cast member of {head}",
    "P162": "{tail} is the producer of {head}",
    "P166": "{head} received the award {tail}",
    "P170": "{tail} is the creator of {head}",
    "P171": "{tail} is the parent taxon of {head}",
    "P172": "{tail} is the ethnic group of {head}",
    "P175": "{tail} is the performer of {head}",
    "P176": "{tail} is the manufacturer of {head}",
    "P178": "{tail} is the developer of {head}",
    "P179": "{head} is part of the series {tail}",
    "P190": "{head} is twinned with the administrative body {tail}",
    "P194": "{tail} is the legislative body of {head}",
    "P205": "{tail} is a basin country of {head}",
    "P206": "{head} is located in or next to the body of water {tail}",
    "P241": "{tail} is the military branch of {head}",
    "P264": "{tail} is the record label of {head}",
    "P272": "{tail} is the production company of {head}",
    "P276": "{tail} is the location of {head}",
    "P279": "{head} is a subclass of {tail}",
    "P355": "{tail} is a subsidiary of {head}",
    "P361": "{head} is part of {tail}",
    "P364": "{tail} is the original language of the film or TV show {head}",
    "P400": "{tail} is the platform of {head}",
    "P403": "{tail} is the mouth of the watercourse {head}",
    "P449": "{tail} is the original network of {head}",
    "P463": "{head} is a member of {tail}",
    "P488": "{tail} is the chairperson of {head}",
    "P495": "{tail} is the country of origin of {head}",
    "P527": "{head} has {tail} as a part",
    "P551": "{tail} is a residence of {head}",
    "P569": "{tail} is the date of birth of {head}",
    "P570": "{tail} is the date of death of {head}",
    "P571": "{tail} is the inception date of {head}",
    "P576": "{tail} is when {head} was dissolved, abolished or demolished",
    "P577": "{tail} is the publication date of {head}",
    "P580": "{tail} is the start time of {head}",
    "P582": "{tail} is the end time of {head}",
    "P585": "{tail} is the point in time of {head}",
    "P607": "{head} took part in the conflict {tail}",
    "P674": "{tail} is a character in {head}",
    "P676": "{head} has lyrics by {tail}",
    "P706": "{head} is located on the terrain feature {tail}",
    "P710": "{tail} is a participant of {head}",
    "P737": "{head} is influenced by {tail}",
    "P740": "{tail} is the location of formation of {head}",
    "P749": "{tail} is the parent organization of {head}",
    "P800": "{tail} is a notable work of {head}",
    "P807": "{head} separated from {tail}",
    "P840": "{tail} is the narrative location of {head}",
    "P937": "{tail} is the work location of {head}",
    "P1001": "{head} applies to the jurisdiction {tail}",
    "P1056": "{tail} is a product or material produced by {head}",
    "P1198": "{tail} is the unemployment rate of {head}",
    "P1336": "{head} is a territory claimed by {tail}",
    "P1344": "{head} is a participant of {tail}",
    "P1365": "{head} replaces {tail}",
    "P1366": "{head} is replaced by {tail}",
    "P1376": "{head} is the capital of {tail}",
    "P1412": "{head} speaks, writes or signs the language {tail}",
    "P1441": "{head} is present in the work {tail}",
    "P3373": "{tail} is a sibling of {head}",
}


def short_description(text: str) -> str:
    """text (str): A Wikidata description.
    RETURNS (str): Its first clause, without usage notes in brackets.
    """
    text = re.sub(r"\s*\[[^\]]*\]", "", text)
    text = re.split(r";|\. |\(use |\. Use | Use P| Inverse property", text)[0]
    return " ".join(text.split()).rstrip(" .,")


def relation_ids(dev: List[dict]) -> List[str]:
    """dev (List[dict]): The Re-DocRED documents.
    RETURNS (List[str]): The relation ids used by their triples, sorted by number.
    """
    ids = {label["r"] for doc in dev for label in doc["labels"]}
    return sorted(ids, key=lambda pid: int(pid[1:]))


def build(data_dir: Path) -> dict:
    """data_dir (Path): Directory with dev_revised.json and pid2name.json.
    RETURNS (dict): The schema, as written to redocred.json.
    """
    dev = srsly.read_json(data_dir / "dev_revised.json")
    pid2name = srsly.read_json(data_dir / "pid2name.json")
    in_dev = relation_ids(dev)
    pids = sorted(set(in_dev) | set(NOT_IN_DEV), key=lambda pid: int(pid[1:]))
    if len(pids) != EXPECTED_LABELS:
        raise SystemExit(f"Expected {EXPECTED_LABELS} relation ids, found {len(pids)}.")
    labels = []
    for pid in pids:
        if pid in pid2name:
            name, description = pid2name[pid]
        elif pid in MISSING:
            name, description = MISSING[pid]
        else:
            raise SystemExit(f"{pid} is neither in pid2name.json nor in MISSING.")
        if pid not in PHRASES:
            raise SystemExit(f"No role phrase for {pid} ({name}).")
        labels.append(
            {
                "name": pid,
                "description": f"{PHRASES[pid]} ({name}: {short_description(description)})",
                "directed": True,
                "types": [],
            }
        )
    print(f"{len(in_dev)} relation ids in dev triples, {sum(p in pid2name for p in pids)} in pid2name.json, " f"{len(labels)} labels written.")
    return {
        "name": "redocred",
        "kind": "relation",
        "no_relation": "no_relation",
        "no_relation_description": "none of the listed relations holds between the two entities",
        "expand_directions": False,
        "labels": labels,
    }


def main() -> None:
    data_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DATA
    output = Path(sys.argv[2]) if len(sys.argv) > 2 else DEFAULT_OUTPUT
    srsly.write_json(output, build(data_dir))
    print(f"Wrote {output}")


if __name__ == "__main__":
    main()
