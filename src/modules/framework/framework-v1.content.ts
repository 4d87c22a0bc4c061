import type { FrameworkContent, LibraryTemplateDefinition } from './framework.types';
import type { HomeworkQuestion } from './homework-template.entity';

/**
 * Version 1 of the stabilization-to-forgiveness framework: the steps, the default check-in
 * measures and the starter homework library, written for Kintsugi (see FRAMEWORK.md).
 *
 * PUBLISHED — DO NOT EDIT. The FrameworkV1 migration inserts exactly this content, and plans
 * started on version 1 keep reading it. A fingerprint test fails on any change; to improve the
 * texts, publish version 2 (a new content module and a new migration that moves is_current).
 */

const text = (key: string, prompt: string, required = true): HomeworkQuestion => ({ key, kind: 'text', prompt, required });
const scale = (key: string, prompt: string, required = true): HomeworkQuestion => ({ key, kind: 'scale_0_10', prompt, required });
const choice = (key: string, prompt: string, options: string[], required = true): HomeworkQuestion => ({
  key,
  kind: 'choice',
  prompt,
  options,
  required,
});
const checklist = (key: string, prompt: string, options: string[], required = false): HomeworkQuestion => ({
  key,
  kind: 'checklist',
  prompt,
  options,
  required,
});

const REVIEW_WINDOWS = ['30 days', '60 days', '90 days', 'Until we review it with our therapist'];

const LIBRARY: LibraryTemplateDefinition[] = [
  // 0. Stabilization
  {
    libraryKey: 'grounding-log',
    stepKey: 'stabilization',
    title: 'Grounding log',
    instructions:
      'Once a day, take two or three minutes to note how stirred up you have been and what helped you come back to steady ground. ' +
      'There is no right answer and nothing to fix here: the point is to learn which small things calm your body, so you can reach for them sooner next time. ' +
      'Keep this log for yourself; only your therapist reads it unless you choose to share it.',
    kind: 'journal',
    audience: 'each',
    defaultCadence: 'FREQ=DAILY',
    questions: [
      scale('distress_peak', 'At its worst today, how overwhelmed did you feel? (0 = calm, 10 = flooded)'),
      text('trigger', 'What was going on when it was hardest? A few words are enough.', false),
      checklist('what_helped', 'What did you try to steady yourself?', [
        'Slow breathing',
        'Moving my body or going for a walk',
        'Time outside',
        'Calling or texting someone on my support list',
        'Writing it down',
        'Rest or sleep',
        'Something else',
      ]),
      scale('distress_after', 'Afterwards, where were you on the same scale?'),
      text('note', 'Anything you want your therapist to know?', false),
    ],
  },
  {
    libraryKey: 'time-out-agreement',
    stepKey: 'stabilization',
    title: 'Our time-out agreement',
    instructions:
      'Conversations about what happened can heat up fast, and words said while flooded tend to deepen the hurt. ' +
      'Sit down together at a calm moment and agree on how either of you can call a pause, how long it lasts, and how you will come back to the topic. ' +
      'A pause is a promise to return, not a way to walk out: whoever calls it also says when you will pick the conversation up again.',
    kind: 'worksheet',
    audience: 'both',
    defaultCadence: 'once',
    questions: [
      text('signal', 'What word or gesture will either of us use to call a pause?'),
      choice('pause_length', 'How long will a pause last before we check in again?', ['20 minutes', '30 minutes', '1 hour', 'Until the next morning']),
      text('during_pause', 'What will each of us do to calm down during the pause (and what will we avoid)?'),
      text('coming_back', 'How and where will we return to the conversation?'),
      checklist(
        'commitments',
        'We both agree that:',
        [
          'Either of us may call a pause, and the other respects it',
          'Nobody leaves without saying when they will be back',
          'We do not reopen the topic by text during a pause',
          'If a pause is called twice in one talk, we bring the topic to our next session',
        ],
        true,
      ),
    ],
  },
  {
    libraryKey: 'support-list',
    stepKey: 'stabilization',
    title: 'My support list',
    instructions:
      'Your partner cannot be your only source of comfort right now, and you should not have to carry this alone. ' +
      'Write down the people and places you can turn to when the feelings get big: friends or family you trust, your own therapist or doctor, a support group, a crisis line. ' +
      'Keep the list somewhere you can find it quickly, such as your phone.',
    kind: 'worksheet',
    audience: 'each',
    defaultCadence: 'once',
    questions: [
      text('people', 'Who are two or three people you can call or message when you are struggling?'),
      text('professional', 'Which professional supports can you reach (your own therapist, doctor, a group)?', false),
      text('crisis_number', 'Which crisis line or emergency number will you use if you ever feel unsafe?'),
      text('what_helps', 'What do the people on your list do that actually helps you?', false),
    ],
  },
  {
    libraryKey: 'no-big-decisions',
    stepKey: 'stabilization',
    title: 'Our "no big decisions yet" agreement',
    instructions:
      'Right after a betrayal comes to light, life-changing choices made in shock are often regretted later. ' +
      'Talk together about which big decisions you will both hold off on for now, and for how long. ' +
      'This does not lock anyone in: it buys you both the time to think clearly. If you ever feel unsafe, your safety comes first and this agreement does not apply.',
    kind: 'conversation',
    audience: 'both',
    defaultCadence: 'once',
    questions: [
      checklist(
        'on_hold',
        'Which decisions are we putting on hold?',
        ['Separating or filing for divorce', 'One of us moving out', 'Telling children or wider family', 'Large purchases or moving money', 'Something else'],
        true,
      ),
      choice('hold_until', 'For how long?', REVIEW_WINDOWS),
      text('needs_meanwhile', 'What does each of us need in the meantime to feel steadier?'),
    ],
  },
  {
    libraryKey: 'ending-contact-plan',
    stepKey: 'stabilization',
    title: 'Ending contact: my plan',
    instructions:
      'Healing cannot begin while the betrayal is still going on. Write down how you have ended contact with the other person (or will, and by when), which channels you have closed, and what you will do if they reach out again. ' +
      'Be concrete and honest; a vague plan leaves your partner guessing. Bring this to your next session, where your therapist can help you decide how to share it.',
    kind: 'worksheet',
    audience: 'involved',
    defaultCadence: 'once',
    questions: [
      text('how_ended', 'How has contact ended (or how and by when will it end)?'),
      checklist('channels_closed', 'Which ways of reaching each other have you closed?', [
        'Phone number blocked',
        'Messaging apps',
        'Social media',
        'Email',
        'Work contact limited to what is unavoidable',
        'Other',
      ]),
      text('if_contacted', 'If they contact you again, what exactly will you do, and how will you tell your partner?'),
      text('hard_parts', 'What makes this hard, and what support do you need to keep to it?', false),
    ],
  },

  // 1. Full accountability
  {
    libraryKey: 'accountability-letter',
    stepKey: 'accountability',
    title: 'Accountability letter',
    instructions:
      'Write a letter to your partner that owns what you did, in plain words. Name the harm without softening it, show that you understand how it has landed on them, take responsibility without any "but", and say what you are committed to doing differently. ' +
      'Leave out explanations of why it happened: that work comes later and belongs in another step. ' +
      'Write a first draft for your therapist; you will decide together when and how to read it to your partner.',
    kind: 'letter',
    audience: 'involved',
    defaultCadence: 'once',
    questions: [
      text('what_i_did', 'What I did, stated plainly'),
      text('harm', 'The harm I caused: what it has broken or taken from you'),
      text('empathy', 'What I understand about how this feels for you'),
      text('ownership', 'What I take responsibility for, with no excuses and no blame'),
      text('commitment', 'What I commit to doing from now on'),
      checklist(
        'self_check',
        'Before you hand it in, reread your letter:',
        ['It contains no "but" or "because"', 'It does not point to anything my partner did', 'It does not ask to be forgiven'],
        true,
      ),
    ],
  },
  {
    libraryKey: 'impact-letter',
    stepKey: 'accountability',
    title: 'Impact letter',
    instructions:
      'This is your space to say what the betrayal has done to you: to your sleep, your body, your work, your sense of yourself and of your past together. ' +
      'You do not need to be fair, polished or calm. Write it for yourself first. Your therapist will help you decide whether, when and how your partner hears it.',
    kind: 'letter',
    audience: 'injured',
    defaultCadence: 'once',
    questions: [
      text('discovery', 'How I found out, and what those first days were like', false),
      text('impact', 'What this has done to me and to my daily life'),
      text('losses', 'What I feel I have lost, or am afraid of losing'),
      text('need_understood', 'What I most need you to understand'),
      choice('sharing', 'How would you like this letter to be shared?', [
        'Read it together in a session',
        'Give it to my partner after talking with my therapist',
        'Keep it between me and my therapist for now',
      ]),
    ],
  },
  {
    libraryKey: 'owning-without-excuses',
    stepKey: 'accountability',
    title: 'From excuses to ownership',
    instructions:
      'Over the next week, notice the moments when an excuse, a justification or a "you also…" comes up in you, out loud or in your head. ' +
      'Write each one down as it was, then rewrite it as a sentence that takes full ownership. ' +
      'Catching yourself is progress, not failure: it is how defensiveness loosens its grip.',
    kind: 'worksheet',
    audience: 'involved',
    defaultCadence: 'once',
    questions: [
      text('excuses_noticed', 'The excuses or defensive sentences I caught myself using'),
      text('rewritten', 'The same sentences, rewritten as ownership'),
      text('hardest', 'Which one was hardest to let go of, and why?', false),
    ],
  },

  // 2. Honest transparency
  {
    libraryKey: 'question-list',
    stepKey: 'transparency',
    title: 'The questions I need answered',
    instructions:
      'Not knowing can be worse than knowing. List the questions that keep coming back to you, big or small. ' +
      'Then mark the few that matter most right now. Some answers may be painful to hear, so think about which ones you truly need and which ones might hurt more than help; your therapist can help you sort them. ' +
      'You are allowed to ask a question more than once.',
    kind: 'worksheet',
    audience: 'injured',
    defaultCadence: 'once',
    questions: [
      text('questions', 'All the questions on my mind'),
      text('most_pressing', 'The three that matter most right now'),
      choice('how_to_ask', 'Where would you like to ask them?', [
        'In a session with our therapist',
        'At home, at a time we agree on',
        'In writing first',
      ]),
    ],
  },
  {
    libraryKey: 'transparency-agreement',
    stepKey: 'transparency',
    title: 'Our transparency agreement',
    instructions:
      'Secrets feed worry; openness, for a while, gives it less to feed on. Decide together what will be open for now (phones, messages, location, money, calendars), how a request is made and answered, and when you will review the arrangement. ' +
      'The aim is to rebuild safety, not to punish or police, so give it an end or a review date from the start.',
    kind: 'conversation',
    audience: 'both',
    defaultCadence: 'once',
    questions: [
      checklist(
        'open_areas',
        'What will be open on request for now?',
        ['Phone and messages', 'Email', 'Social media accounts', 'Location sharing', 'Calendar', 'Bank and card statements', 'Something else'],
        true,
      ),
      text('how_requests_work', 'How will a request be made, and how quickly will it be answered?'),
      text('if_something_found', 'What will we do if something surprising comes up?'),
      choice('review_after', 'When will we review this agreement?', REVIEW_WINDOWS),
    ],
  },
  {
    libraryKey: 'disclosure-log',
    stepKey: 'transparency',
    title: 'Sharing before being asked',
    instructions:
      'Each day, note what you told your partner before they had to ask: where you were, who you talked to, anything that might have worried them. ' +
      'Offering information freely shows more than answering questions ever can. If the other person contacted you, tell your partner the same day and note it here.',
    kind: 'journal',
    audience: 'involved',
    defaultCadence: 'FREQ=DAILY',
    questions: [
      text('shared_unasked', 'What did I share today without being asked?'),
      choice('contact_attempt', 'Did the other person try to contact me today?', [
        'No',
        'Yes, and I have already told my partner',
        'Yes, and I will tell my partner today',
      ]),
      text('held_back', 'Was there anything I hesitated to share? What stopped me?', false),
    ],
  },

  // 3. Emotional validation
  {
    libraryKey: 'reflective-listening',
    stepKey: 'validation',
    title: 'Listening to understand',
    instructions:
      'Set aside twenty minutes. One of you speaks about one feeling or moment; the other only listens, then says back what they heard in their own words and asks, "Did I get that right?" ' +
      'The listener does not explain, correct or defend, even when it is hard. Keep going until the speaker feels understood, then stop; swap roles another day if you both wish.',
    kind: 'exercise',
    audience: 'both',
    defaultCadence: 'FREQ=WEEKLY;BYDAY=WE,SU',
    questions: [
      choice('my_role', 'What was your part this time?', ['I spoke', 'I listened', 'We took turns']),
      scale('understood', 'How well was the speaker understood? (0 = not at all, 10 = completely)'),
      text('hard_moment', 'What was the hardest moment, and what did you do with it?', false),
    ],
  },
  {
    libraryKey: 'i-felt-when',
    stepKey: 'validation',
    title: '"I felt… when…" statements',
    instructions:
      'Pick a moment from this week that hurt. Describe what happened in a sentence, name the feeling, then put them together as "I felt … when …", and add what you would have needed. ' +
      'Starting with your own feeling, instead of with what your partner is, makes it easier for them to hear you without bracing for an attack.',
    kind: 'worksheet',
    audience: 'injured',
    defaultCadence: 'FREQ=WEEKLY',
    questions: [
      text('situation', 'What happened?'),
      checklist('feelings', 'Which feelings were there?', ['Hurt', 'Angry', 'Afraid', 'Ashamed', 'Lonely', 'Confused', 'Numb', 'Something else'], true),
      text('statement', 'Your "I felt … when …" sentence'),
      text('needed', 'What would you have needed in that moment?', false),
    ],
  },
  {
    libraryKey: 'feelings-journal',
    stepKey: 'validation',
    title: 'Feelings journal',
    instructions:
      'At the end of the day, name the feeling that was strongest, how intense it was and what was happening around it. ' +
      'Naming a feeling tends to shrink it a little, and over a few weeks you will see patterns you can bring to your sessions.',
    kind: 'journal',
    audience: 'each',
    defaultCadence: 'FREQ=DAILY',
    questions: [
      choice('feeling', 'Which feeling was strongest today?', ['Sadness', 'Anger', 'Fear or worry', 'Shame or guilt', 'Loneliness', 'Relief', 'Hope', 'Something else']),
      scale('intensity', 'How intense was it?'),
      text('context', 'What was happening around it?', false),
      text('response', 'What did you do with the feeling?', false),
    ],
  },

  // 4. Consistent behaviour over time
  {
    libraryKey: 'daily-couple-check-in',
    stepKey: 'consistency',
    title: 'Ten-minute daily check-in',
    instructions:
      'Every day, at a time you both agree on, spend ten minutes together with phones away. Each of you shares how the day went, one thing you appreciated in the other, and anything the other should know about before they hear it elsewhere. ' +
      'Keep it short and predictable: the value lies in doing it day after day, not in how deep it goes.',
    kind: 'conversation',
    audience: 'both',
    defaultCadence: 'FREQ=DAILY',
    questions: [
      choice('held', 'Did the check-in happen today?', ['Yes', 'A shorter version', 'No']),
      text('appreciated', 'One thing you appreciated in your partner today', false),
    ],
  },
  {
    libraryKey: 'promises-log',
    stepKey: 'consistency',
    title: 'Promises made, promises kept',
    instructions:
      'Write down each promise you make to your partner, however small: a call at lunch, being home by six, finishing a task. At the end of the day, note whether you kept it. ' +
      'When you cannot keep one, tell your partner before the moment passes, not after. A long record of small promises kept is what your partner will eventually be able to lean on.',
    kind: 'journal',
    audience: 'involved',
    defaultCadence: 'FREQ=DAILY',
    questions: [
      text('promises', 'The promises I made today'),
      choice('kept', 'Did I keep them?', ['All of them', 'Most of them', 'Some of them', 'None of them']),
      text('repair', 'For any I did not keep: when and how did I tell my partner?', false),
    ],
  },
  {
    libraryKey: 'deposits-noticed',
    stepKey: 'consistency',
    title: 'Noticing what is changing',
    instructions:
      'Once a week, write down the moments when your partner did what they said they would, or offered something without being asked. ' +
      'This is not about pretending you are fine or owing anyone trust. It is about letting the good moments register next to the painful ones, so your picture of where things stand is complete.',
    kind: 'journal',
    audience: 'injured',
    defaultCadence: 'FREQ=WEEKLY;BYDAY=SU',
    questions: [
      text('noticed', 'Moments this week when my partner was reliable or open'),
      scale('registered', 'How much did those moments reach you? (0 = not at all, 10 = a lot)'),
      text('still_hurting', 'Moments that set me back, if any', false),
    ],
  },

  // 5. New boundaries
  {
    libraryKey: 'boundaries-worksheet',
    stepKey: 'boundaries',
    title: 'What I need to feel safe',
    instructions:
      'On your own, think about the areas of your life together where clear limits would help you feel safe or respected: contact with certain people, friendships, phones and online life, money, time apart. ' +
      'For each one, write the boundary as a specific, doable behaviour rather than a general wish. Also note what you are willing to offer in return. You will bring this to a shared conversation.',
    kind: 'worksheet',
    audience: 'each',
    defaultCadence: 'once',
    questions: [
      checklist(
        'areas',
        'Which areas need a boundary?',
        ['Contact with the other person', 'Friendships', 'Phones and online life', 'Money', 'Time away from home', 'Alcohol or other substances', 'Something else'],
        true,
      ),
      text('boundaries', 'The boundaries I am asking for, as specific behaviours'),
      text('offer', 'What I am willing to offer or change myself'),
      text('non_negotiable', 'Which of these, if any, are non-negotiable for me?', false),
    ],
  },
  {
    libraryKey: 'boundaries-agreement-draft',
    stepKey: 'boundaries',
    title: 'Writing our boundaries together',
    instructions:
      'Bring both of your worksheets and turn them into one written agreement you can both say yes to. Boundaries made together protect the relationship; limits imposed by one side tend to feel like control. ' +
      'Where you disagree, write down both views and bring them to your next session instead of forcing a decision.',
    kind: 'conversation',
    audience: 'both',
    defaultCadence: 'once',
    questions: [
      text('agreed', 'The boundaries we both agree to'),
      text('open_points', 'Where we still disagree', false),
      choice('review_after', 'When will we review this agreement?', REVIEW_WINDOWS),
    ],
  },
  {
    libraryKey: 'boundaries-review',
    stepKey: 'boundaries',
    title: 'Boundaries review',
    instructions:
      'Once a month, read your agreement together. Talk about what has been kept, what has been hard, and whether anything needs to change now that things are different. ' +
      'An agreement can grow looser as trust grows, or tighter if something slipped; either is fine when you decide it together.',
    kind: 'conversation',
    audience: 'both',
    defaultCadence: 'FREQ=MONTHLY',
    questions: [
      choice('kept', 'Overall, was the agreement kept this month?', ['Yes', 'Partly', 'No']),
      text('what_was_hard', 'What was hard to keep?', false),
      choice('next', 'What should happen next?', ['Keep it as it is', 'Revise it with our therapist', 'Relax some parts', 'Strengthen some parts']),
    ],
  },

  // 6. Processing the root cause
  {
    libraryKey: 'relationship-timeline',
    stepKey: 'root_cause',
    title: 'Our relationship timeline',
    instructions:
      'Draw a line from the day you met until today. Mark the high points, the hard seasons, the times you felt close and the times you drifted apart, and the big life events around them (moves, children, illness, job changes). ' +
      'Do it on your own, without comparing notes; in session you will lay both timelines side by side and look for where the distance began.',
    kind: 'worksheet',
    audience: 'each',
    defaultCadence: 'once',
    questions: [
      text('high_points', 'The times we felt closest'),
      text('hard_seasons', 'The hard seasons, and what was going on in life then'),
      text('drift', 'When did I first notice distance between us?'),
    ],
  },
  {
    libraryKey: 'attachment-reflection',
    stepKey: 'root_cause',
    title: 'How I handle closeness and distance',
    instructions:
      'Think about how closeness, conflict and comfort worked in the home you grew up in, and how that shows up in you today. ' +
      'When you feel hurt or unseen, do you reach out, go quiet, get busy or push back? There are no good or bad answers; seeing your own pattern clearly is what makes it possible to change it.',
    kind: 'journal',
    audience: 'each',
    defaultCadence: 'once',
    questions: [
      text('growing_up', 'How were feelings and conflict handled in my family growing up?'),
      choice('my_move', 'When I feel hurt or unseen, I most often…', ['Reach out and ask for closeness', 'Go quiet or withdraw', 'Keep busy or distract myself', 'Get angry or push back', 'It depends']),
      text('today', 'Where do I see this pattern in our relationship today?'),
    ],
  },
  {
    libraryKey: 'conflict-pattern-map',
    stepKey: 'root_cause',
    title: 'Mapping our conflict cycle',
    instructions:
      'Pick one recent argument that followed a familiar script. Together, map it step by step: what set it off, what each of you did, what each of you felt underneath, and how it ended. ' +
      'Treat the cycle as the problem, not each other. Naming the loop out loud is the first way out of it.',
    kind: 'worksheet',
    audience: 'both',
    defaultCadence: 'once',
    questions: [
      text('trigger', 'What usually sets it off?'),
      text('moves', 'What does each of us do next?'),
      text('underneath', 'What does each of us feel underneath (fear, hurt, shame, loneliness)?'),
      text('exit', 'What could either of us do differently to step out of the loop?'),
    ],
  },
  {
    libraryKey: 'understanding-my-choices',
    stepKey: 'root_cause',
    title: 'Understanding my choices',
    instructions:
      'Reflect honestly on what was going on in you before and during the betrayal: unmet needs, resentments you never voiced, avoidance, old habits or compulsions. ' +
      'Understanding why is meant to stop it happening again. It never moves the responsibility, so keep writing "I" rather than "you".',
    kind: 'journal',
    audience: 'involved',
    defaultCadence: 'once',
    questions: [
      text('before', 'What was happening in me in the months before?'),
      text('needs', 'What needs or feelings did I handle by going outside the relationship?'),
      text('warning_signs', 'What warning signs in myself will I watch for from now on?'),
      text('support', 'What help (individual therapy, a group, a sponsor) do I need to change this?', false),
    ],
  },

  // 7. Rebuilding emotional intimacy
  {
    libraryKey: 'weekly-connection-ritual',
    stepKey: 'intimacy',
    title: 'Weekly ritual of connection',
    instructions:
      'Choose one small thing you will do together every week, at the same time if you can: a walk, cooking a meal, a coffee before the day begins. ' +
      'Keep the betrayal out of this time; it is for simply enjoying each other again. Go at the pace of the partner who needs it slower.',
    kind: 'exercise',
    audience: 'both',
    defaultCadence: 'FREQ=WEEKLY;BYDAY=SU',
    questions: [
      text('what_we_did', 'What did we do this week?'),
      scale('connected', 'How connected did you feel during it?'),
      choice('next_time', 'Next week we will…', ['Do the same again', 'Try something new', 'Talk about it in session first']),
    ],
  },
  {
    libraryKey: 'gratitude-journal',
    stepKey: 'intimacy',
    title: 'Gratitude journal',
    instructions:
      'Each evening, write down one specific thing your partner did that you were glad about, even if it was small. ' +
      'If it feels right, tell them. Looking for what is good, on purpose, slowly shifts what you notice in each other.',
    kind: 'journal',
    audience: 'each',
    defaultCadence: 'FREQ=DAILY',
    questions: [
      text('grateful_for', 'Today I was glad that my partner…'),
      choice('told_them', 'Did you tell them?', ['Yes', 'Not yet', 'I chose to keep it to myself']),
    ],
  },
  {
    libraryKey: 'shared-vision',
    stepKey: 'intimacy',
    title: 'Where we are heading',
    instructions:
      'Sit together and imagine your relationship a year from now, having come through this. What does an ordinary good week look like? What do you want more of, and less of? ' +
      'Write down a few shared hopes and one small step each of you can take toward them this month.',
    kind: 'conversation',
    audience: 'both',
    defaultCadence: 'once',
    questions: [
      text('good_week', 'An ordinary good week a year from now looks like…'),
      text('shared_hopes', 'Our shared hopes'),
      text('first_steps', 'One step each of us will take this month'),
    ],
  },
  {
    libraryKey: 'how-i-feel-cared-for',
    stepKey: 'intimacy',
    title: 'How I feel cared for',
    instructions:
      'People feel loved in different ways, and after a crisis it is easy to guess wrong. On your own, note what makes you feel cared for, and be as concrete as you can. ' +
      'Then exchange your answers and choose one thing from your partner’s list to offer this week.',
    kind: 'worksheet',
    audience: 'each',
    defaultCadence: 'once',
    questions: [
      checklist(
        'ways',
        'I feel most cared for through…',
        ['Kind or appreciative words', 'Undivided time together', 'Practical help', 'Affection and touch, at my pace', 'Small gifts or surprises'],
        true,
      ),
      text('examples', 'Two or three concrete examples'),
      text('not_now', 'Anything that would not feel good yet', false),
    ],
  },

  // 8. Forgiveness (when ready)
  {
    libraryKey: 'forgiveness-reflection',
    stepKey: 'forgiveness',
    title: 'Thinking about forgiveness',
    instructions:
      'This reflection is for you and your therapist only. Forgiveness is something you may choose one day; it is never owed, and you decide if and when. ' +
      'It does not mean forgetting, saying it was acceptable, or agreeing to stay together. Write about what it would and would not mean for you, and where you are right now.',
    kind: 'journal',
    audience: 'injured',
    defaultCadence: 'once',
    questions: [
      text('would_mean', 'What forgiving would mean for me'),
      text('would_not_mean', 'What it would not mean'),
      choice('where_i_am', 'Where am I right now?', ['Not ready, and that is okay', 'Starting to think about it', 'Ready to explore it in session']),
      text('still_need', 'What do I still need before I could consider it?', false),
    ],
  },
  {
    libraryKey: 'letting-go-letter',
    stepKey: 'forgiveness',
    title: 'Letting-go letter (optional)',
    instructions:
      'Only if you want to: write a letter about the weight you have been carrying and what you are ready to set down. You never have to send it. ' +
      'Some people read it in session, some keep it, some tear it up. Whatever you choose, skipping this task is always a valid choice.',
    kind: 'letter',
    audience: 'injured',
    defaultCadence: 'once',
    questions: [
      text('carrying', 'What I have been carrying'),
      text('setting_down', 'What I am ready to set down, and what I am keeping'),
      choice('what_next', 'What would you like to do with this letter?', ['Keep it private', 'Read it in session', 'Give it to my partner']),
    ],
  },
  {
    libraryKey: 'patience-without-pressure',
    stepKey: 'forgiveness',
    title: 'Patience without pressure',
    instructions:
      'Each week, notice the moments you wanted your partner to be "over it" or hoped for a sign of forgiveness. Write down what you felt, and what you did instead of pushing. ' +
      'Waiting without pressing is one of the clearest ways to show that you respect their choice.',
    kind: 'journal',
    audience: 'involved',
    defaultCadence: 'FREQ=WEEKLY',
    questions: [
      text('urge', 'When did I feel the urge to hurry things along?'),
      text('instead', 'What did I do instead?'),
      scale('patience', 'How patient was I with my partner’s pace this week?'),
    ],
  },
  {
    libraryKey: 'milestone-review',
    stepKey: 'forgiveness',
    title: 'Looking back at how far we have come',
    instructions:
      'Together, look back over the months of this work: the agreements you kept, the conversations you got through, the steps you completed. ' +
      'Name what each of you is proud of, what has changed, and what still needs care. Celebrate in a way that feels right to both of you.',
    kind: 'conversation',
    audience: 'both',
    defaultCadence: 'once',
    questions: [
      text('proud_of', 'What each of us is proud of'),
      text('changed', 'What has changed between us'),
      text('still_needs_care', 'What still needs care'),
    ],
  },
  {
    libraryKey: 'decision-conversation',
    stepKey: 'forgiveness',
    title: 'Deciding our future',
    instructions:
      'When you are both ready, talk about the future of the relationship: continuing together, or parting with care and respect. Both are honest endings to this work, and neither is a failure. ' +
      'First answer on your own where you stand, then share it in a session where your therapist can help you listen to each other.',
    kind: 'conversation',
    audience: 'both',
    defaultCadence: 'once',
    questions: [
      choice('where_i_stand', 'Where do I stand today?', ['I want us to continue together', 'I want us to part with care', 'I am not sure yet']),
      text('why', 'What has brought me here?'),
      text('need_from_process', 'What do I need from the other and from our therapist while we decide?'),
    ],
  },
];

export const FRAMEWORK_V1: FrameworkContent = {
  version: 1,
  title: 'Stabilization to forgiveness',
  publishedOn: '2026-11-22',
  steps: [
    {
      key: 'stabilization',
      position: 0,
      title: 'Stabilization',
      purpose:
        'Settle the crisis and make both partners safe before anyone tries to solve anything; answers pursued in shock tend to add new wounds.',
      injuredFocus:
        'Getting through the days: grounding skills, people to lean on outside the relationship, and naming strong feelings without acting on them.',
      involvedFocus: 'Ending the betrayal completely (no contact), staying present and steady, and not pressuring the partner for quick answers or closeness.',
      relationshipFocus:
        'A safety plan, a pause on big decisions such as separating or moving out, and an agreed way to stop a conversation that is escalating.',
      signsOfCompletion: [
        'The betrayal has ended and there is no ongoing contact.',
        'Acute crises have settled and both partners feel physically safe.',
        'Both partners say they want to take part in the work.',
      ],
    },
    {
      key: 'accountability',
      position: 1,
      title: 'Full accountability',
      purpose: 'The partner who broke trust owns what happened, fully and without defence, so that healing has solid ground to start from.',
      injuredFocus: 'Putting into words what the betrayal has done to them, at their own pace.',
      involvedFocus: 'A clear admission with no excuses, no minimising and no blame, and remorse that is felt rather than performed.',
      relationshipFocus: 'Holding space for the admission and its impact without rushing towards repair.',
      signsOfCompletion: [
        'The admission is clear and no longer defended or qualified.',
        'The injured partner says they feel it has been owned.',
      ],
    },
    {
      key: 'transparency',
      position: 2,
      title: 'Honest transparency',
      purpose: 'Remove the secrecy that keeps anxiety alive, for a defined time, so that facts can replace fear.',
      injuredFocus: 'Asking the questions they need answered and saying what openness would help them feel safer.',
      involvedFocus:
        'Answering reasonable questions truthfully, offering information before being asked, and being open about whereabouts and contacts for a while.',
      relationshipFocus: 'A written transparency agreement with an end or review date.',
      signsOfCompletion: [
        'The injured partner’s pressing questions have been answered.',
        'Surprise discoveries have become rare.',
        'The transparency agreement is being kept.',
      ],
    },
    {
      key: 'validation',
      position: 3,
      title: 'Emotional validation',
      purpose: 'The hurt is heard and acknowledged instead of debated, so that the injured partner stops having to fight to be believed.',
      injuredFocus: 'Expressing the hurt through "I" statements about their own experience.',
      involvedFocus: 'Listening without interrupting or defending, and reflecting feelings back until the partner feels understood.',
      relationshipFocus: 'Conversations where feelings can be spoken and received safely.',
      signsOfCompletion: ['The injured partner reports feeling understood.'],
    },
    {
      key: 'consistency',
      position: 4,
      title: 'Consistent behaviour over time',
      purpose: 'Trust grows back through many small reliable acts over a long stretch, not through a single grand gesture.',
      injuredFocus: 'Letting the reliable moments register alongside the painful ones, without having to pretend to be fine.',
      involvedFocus: 'Keeping promises, following through, and communicating proactively, especially about changes of plan.',
      relationshipFocus: 'Short daily check-ins that make reliability visible.',
      signsOfCompletion: ['A long run of promises kept.', 'Trust scores in the check-ins trending upward.'],
    },
    {
      key: 'boundaries',
      position: 5,
      title: 'New boundaries',
      purpose: 'The relationship gets new rules, made together, that protect it going forward.',
      injuredFocus: 'Saying clearly what they need in order to feel safe.',
      involvedFocus: 'Honouring the agreed limits around contacts, online life and money, without resentment or loopholes.',
      relationshipFocus: 'Boundaries that are written down, agreed by both, and revisited over time.',
      signsOfCompletion: ['Agreements are written and acknowledged by both partners.', 'The agreements are being kept.'],
    },
    {
      key: 'root_cause',
      position: 6,
      title: 'Processing the root cause',
      purpose: 'Understand how the betrayal came about so that it is not repeated; the explanation informs healing and never excuses the act.',
      injuredFocus: 'Their own patterns and needs in the relationship, without taking on responsibility for the betrayal.',
      involvedFocus: 'What led there: disconnection, unspoken resentment, attachment patterns, avoidance, or compulsive behaviour.',
      relationshipFocus: 'The recurring conflict patterns between them and how they get out of them.',
      signsOfCompletion: ['Both partners can name the pattern that led here.', 'Both can say what is changing it.'],
    },
    {
      key: 'intimacy',
      position: 7,
      title: 'Rebuilding emotional intimacy',
      purpose: 'Once safety is back, rebuild closeness, emotional first and physical only when it is welcome.',
      injuredFocus: 'Opening up again at a pace that feels safe to them.',
      involvedFocus: 'Patience, and warmth and affection offered without pressure.',
      relationshipFocus: 'Regular rituals, quality time, gratitude and goals they share.',
      signsOfCompletion: ['Connection scores in the check-ins are rising.', 'The couple’s rituals of connection are being kept.'],
    },
    {
      key: 'forgiveness',
      position: 8,
      title: 'Forgiveness (when ready)',
      purpose:
        'Release the weight of the betrayal if and when the injured partner chooses to; forgiveness is a choice, never a requirement, and is not the same as forgetting or excusing.',
      injuredFocus: 'Deciding whether and when to forgive, free from pressure or deadlines.',
      involvedFocus: 'Patience, and no pressure to be forgiven.',
      relationshipFocus: 'Deciding the future: continuing together, or parting with care.',
      signsOfCompletion: ['A decision about the future has been made freely by both partners.'],
    },
  ],
  measures: [
    {
      key: 'trust',
      position: 0,
      label: 'How much do you trust your partner today?',
      kind: 'scale_0_10',
      options: null,
      askedFromStep: null,
      alerts: false,
    },
    {
      key: 'safety',
      position: 1,
      label: 'How emotionally safe do you feel with your partner today?',
      kind: 'scale_0_10',
      options: null,
      askedFromStep: null,
      alerts: false,
    },
    {
      key: 'connection',
      position: 2,
      label: 'How connected do you feel to your partner today?',
      kind: 'scale_0_10',
      options: null,
      askedFromStep: null,
      alerts: false,
    },
    { key: 'mood', position: 3, label: 'How is your mood today?', kind: 'scale_1_5', options: null, askedFromStep: null, alerts: false },
    {
      key: 'agreements_kept',
      position: 4,
      label: 'Have our agreements been kept since the last check-in?',
      kind: 'choice',
      options: ['yes', 'partly', 'no'],
      askedFromStep: null,
      alerts: false,
    },
    {
      key: 'free_text',
      position: 5,
      label: 'Anything else you would like your therapist to know?',
      kind: 'text',
      options: null,
      askedFromStep: null,
      alerts: false,
    },
    { key: 'feels_unsafe', position: 6, label: 'I feel unsafe right now', kind: 'boolean', options: null, askedFromStep: null, alerts: true },
    {
      key: 'forgiveness_readiness',
      position: 7,
      label: 'I feel ready to begin working on forgiveness',
      kind: 'choice',
      options: ['ready', 'not_yet'],
      askedFromStep: 'intimacy',
      alerts: false,
    },
  ],
  library: LIBRARY,
};
