import { describe, expect, test } from 'vitest';
import {
  answerRetryText,
  toolRetryText,
  toolReturnText,
  type UserContentShapes,
  userPromptContent,
} from '../../src/adapters/openai-input-content.ts';
import type { UserContentItem } from '../../src/core/messages.ts';

// A shape that records which form was chosen and with what, so each branch can be seen.
const record: UserContentShapes<unknown> = {
  text: (text) => ({ text }),
  image: (image) => ({ image }),
  file: (filename, fileData) => ({ filename, fileData }),
  url: (url) => ({ url }),
};
const bytes = (text: string) => new TextEncoder().encode(text);
const one = (item: UserContentItem) => userPromptContent([item], record)[0];

describe('OpenAI input content', () => {
  test('a string prompt stays a string; items become parts in order', () => {
    expect(userPromptContent('hi', record)).toBe('hi');
    expect(
      userPromptContent(
        [
          { kind: 'text', text: 'look' },
          { kind: 'image', data: bytes('hi'), mediaType: 'image/png' },
        ],
        record,
      ),
    ).toEqual([{ text: 'look' }, { image: 'data:image/png;base64,aGk=' }]);
  });

  test('a text-like document goes inline, named; other bytes become a named data-URL file', () => {
    expect(
      one({ kind: 'document', data: bytes('a: 1'), mediaType: 'application/yaml', name: 'c.yaml' }),
    ).toEqual({
      text: '<document name="c.yaml" type="application/yaml">\na: 1\n</document>',
    });
    expect(one({ kind: 'document', data: bytes('%PDF'), mediaType: 'application/pdf' })).toEqual({
      filename: 'document.pdf',
      fileData: 'data:application/pdf;base64,JVBERg==',
    });
  });

  test('a data: URL is a file named from its media type; any other URL is the protocol’s url form', () => {
    const dataUrl = 'data:application/pdf;base64,JVBERg==';
    expect(one({ kind: 'document', url: dataUrl })).toEqual({ filename: 'document.pdf', fileData: dataUrl });
    expect(one({ kind: 'document', url: 'https://example.com/a.pdf' })).toEqual({
      url: 'https://example.com/a.pdf',
    });
  });

  test('tool results and retries read the same for both protocols', () => {
    const result = {
      partKind: 'tool-return' as const,
      toolName: 'add',
      toolCallId: 'c1',
      content: { sum: 3 },
    };
    expect(toolReturnText(result)).toBe('{"sum":3}');
    const retry = {
      partKind: 'retry-prompt' as const,
      toolName: 'add',
      toolCallId: 'c1',
      content: 'bad args',
    };
    expect(toolRetryText(retry)).toBe(
      'The tool call to add failed: bad args\n\nCorrect the call and try again.',
    );
    expect(answerRetryText(retry)).toBe('bad args\n\nCorrect your answer and try again.');
  });
});
