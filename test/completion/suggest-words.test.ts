import { strict as assert } from 'assert';
import { modelWord, nameBeforeCursor, widgetList, widgetOrder, wordsStartingWith } from '../../src/completion/suggest-words';

describe("the suggest widget's words (the model's first)", () => {
  it('nameBeforeCursor: the name up to the cursor, none after a number or punctuation', () => {
    assert.equal(nameBeforeCursor('    x = dep'), 'dep');
    assert.equal(nameBeforeCursor('    x = dep('), '');
    assert.equal(nameBeforeCursor('x = 12ab'), '');
    assert.equal(nameBeforeCursor('_private'), '_private');
  });

  it('modelWord: the name the ghost text completes, or the name as typed when the ghost text starts after it', () => {
    assert.equal(modelWord('dep', 'endency, target'), 'dependency');
    assert.equal(modelWord('dependency', '.add(x)'), 'dependency');
    assert.equal(modelWord('dep', undefined), undefined);
    assert.equal(modelWord('', 'x'), undefined);
  });

  it("wordsStartingWith: the document's matching words, any case, in the order VS Code 1.139 showed", () => {
    const text = 'dependency = dependencies = Dependency = dep_x = other = deal';
    assert.deepEqual(wordsStartingWith(text, 'dep'), ['dep_x', 'Dependency', 'dependency', 'dependencies'].sort(widgetOrder));
    assert.equal(wordsStartingWith(text, 'dep')[0], 'dep_x');
    assert.deepEqual(wordsStartingWith('f = Flag = flat', 'F'), ['f', 'Flag', 'flat']);
    assert.deepEqual(wordsStartingWith(text, 'zz'), []);
    assert.equal(wordsStartingWith('a1 a2 a3 a4', 'a', 2).length, 2);
  });

  it("widgetList: the model's word first, so the ghost text extends the widget's selection; the rest as VS Code orders them", () => {
    const words = ['dependencies', 'dependency', 'deps'];
    const list = widgetList('dep', 'endency, target', words);
    assert.deepEqual(list, ['dependency', 'dependencies', 'deps']);
    assert.ok(('dep' + 'endency, target').startsWith(list[0]), 'the ghost text extends the selected item');
    assert.deepEqual(widgetList('dep', undefined, words), words, 'no ghost text: the words alone');
    assert.deepEqual(widgetList('depx', 'yz', []), ['depxyz'], "the model's word even when the document has none");
  });
});
