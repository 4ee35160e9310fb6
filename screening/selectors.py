"""Reads of the screening pages that are more than a filter: a screening as its page shows it."""

from dataclasses import dataclass, field

from .models import NeedProposal, Question, ScreeningAnswer


@dataclass
class AnsweredQuestion:
    question: Question
    answers: list = field(default_factory=list)


@dataclass
class DomainBlock:
    """One domain of a screening: its questions with the answers chosen, its result, its proposed need."""

    domain: object
    questions: list = field(default_factory=list)
    result: object = None
    proposal: object = None


def _blocks(screening, *, domain=None):
    questions = (
        Question.objects.filter(instrument_id=screening.instrument_id)
        .select_related("domain")
        .order_by("position")
    )
    if domain is not None:
        questions = questions.filter(domain=domain)
    answers = {}
    for answer in ScreeningAnswer.objects.filter(screening=screening).select_related("option"):
        answers.setdefault(answer.question_id, []).append(answer)
    blocks = {}
    for question in questions:
        block = blocks.setdefault(question.domain_id, DomainBlock(domain=question.domain))
        block.questions.append(AnsweredQuestion(question, answers.get(question.pk, [])))
    return blocks


def screening_page(screening):
    """The screening detail page's context: questions and answers by domain, results, proposals."""
    blocks = _blocks(screening)
    for result in screening.results.select_related("domain"):
        if result.domain_id in blocks:
            blocks[result.domain_id].result = result
    proposals = NeedProposal.objects.filter(screening=screening).select_related(
        "category", "need__child", "updated_by"
    )
    by_result = {proposal.result_id: proposal for proposal in proposals}
    for block in blocks.values():
        if block.result is not None:
            block.proposal = by_result.get(block.result.pk)
    return {
        "screening": screening,
        "case": screening.case,
        "children": list(screening.children.order_by("date_of_birth")),
        "blocks": list(blocks.values()),
    }


def proposal_answers(proposal):
    """The questions and answers of the proposal's domain, shown beside the confirm and dismiss forms."""
    blocks = _blocks(proposal.screening, domain=proposal.result.domain)
    return blocks.get(proposal.result.domain_id) or DomainBlock(domain=proposal.result.domain)
