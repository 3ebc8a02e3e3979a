from tests.compiler.realworld.case import Case
CASES: list[Case] = []
